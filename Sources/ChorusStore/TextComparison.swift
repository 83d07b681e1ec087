import Foundation

/// The normalisation under which two texts count as the same for settling a segment until the
/// validator's agreement rule takes over: Unicode NFC, case folded, punctuation removed,
/// whitespace collapsed.
public enum TextComparison {
    public static func normalized(_ text: String) -> String {
        let folded = text.precomposedStringWithCanonicalMapping.folding(options: [.caseInsensitive], locale: nil)
        var out = ""
        var space = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.punctuationCharacters.contains(scalar) || CharacterSet.symbols.contains(scalar) && scalar != "[" && scalar != "]" {
                continue
            }
            if CharacterSet.whitespacesAndNewlines.contains(scalar) {
                space = !out.isEmpty
                continue
            }
            if space { out.unicodeScalars.append(" ") }
            space = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// Whether `a` and `b` are the same text under ``normalized(_:)``.
    public static func same(_ a: String, _ b: String) -> Bool { normalized(a) == normalized(b) }
}
