import ChorusSupport
import ChorusIngest
import ChorusValidation
import Foundation

/// Escaping and layout shared by the writers.
enum Text {
    /// A JSON string literal.
    static func json(_ s: String) -> String { SegmentManifest.jsonString(s) }

    /// A JSON number: the shortest text that reads back as the same double.
    static func json(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

    /// A JSON object from (key, already-encoded value) pairs, in order.
    static func object(_ pairs: [(String, String?)]) -> String {
        "{" + pairs.compactMap { k, v in v.map { json(k) + ": " + $0 } }.joined(separator: ", ") + "}"
    }

    /// A YAML double-quoted scalar: JSON's escapes, plus the characters YAML may not hold raw.
    static func yaml(_ s: String) -> String {
        var out = ""
        for scalar in json(s).unicodeScalars {
            let v = scalar.value
            if v == 0x7F || (0x80...0x9F).contains(v) && v != 0x85 || v == 0xFFFE || v == 0xFFFF {
                out += String(format: "\\u%04X", v)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for XML content or a double-quoted attribute; characters XML 1.0 cannot hold are dropped.
    static func xml(_ s: String) -> String {
        Markup.escape(s) { c in
            if ["\t", "\n", "\r"].contains(c) { return "&#\(c.value);" }
            // XML 1.0 allows DEL and C1 controls, not the other C0 ones or U+FFFE/U+FFFF.
            return c.value < 0x20 || c.value > 0xFFFD ? "" : String(c)
        }
    }

    /// One line: every run of white space (line breaks and tabs included) a single space, trimmed.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    /// Seconds with millisecond precision, locale-independent ("12.345").
    static func seconds(_ x: Double) -> String { String(format: "%.3f", x) }

    /// Lines sorted by their bytes, as `LC_ALL=C sort` (Kaldi's order).
    static func sortedBytes(_ lines: [String]) -> [String] {
        lines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
