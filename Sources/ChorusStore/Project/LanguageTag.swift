import Foundation

/// A BCP-47 language tag (RFC 5646), checked and in canonical case: `sw`, `en-GB`, `zh-Hant-TW`,
/// `es-419`, `sgn-x-local`.
///
/// The syntax is checked in full (language, extended language, script, region, variants,
/// extensions, private use). Language, script and region subtags are also checked against
/// ISO 639, ISO 15924 and ISO 3166-1 when a ``LanguageRegistry`` is given.
public struct LanguageTag: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The tag in canonical case.
    public let value: String
    /// The primary language subtag, lower case (`sw`, `en`, `yue`).
    public let language: String
    /// The script subtag in title case, if any (`Latn`, `Hant`).
    public let script: String?
    /// The region subtag in upper case, if any (`GB`, `419`).
    public let region: String?

    public var description: String { value }

    /// Parses and checks `text`.
    /// - Throws: ``ProjectError`` with code `.invalidLanguage`, naming the subtag that is wrong.
    public init(_ text: String, registry: LanguageRegistry? = nil) throws {
        func fail(_ why: String) -> ProjectError {
            ProjectError(code: .invalidLanguage, message: "'\(text)' is not a BCP-47 language tag: \(why)")
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0) }
        guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.count <= 8 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) else {
            throw fail("subtags are 1 to 8 ASCII letters or digits separated by hyphens")
        }
        var out: [String] = []
        var i = 0
        func isAlpha(_ s: String, _ range: ClosedRange<Int>) -> Bool { range.contains(s.count) && s.allSatisfy(\.isLetter) }
        func isDigit(_ s: String, _ n: Int) -> Bool { s.count == n && s.allSatisfy(\.isNumber) }

        if parts[0].lowercased() == "x" {
            // A private-use tag on its own: x-anything.
            guard parts.count > 1 else { throw fail("'x' must be followed by a private-use subtag") }
            language = "x"
            script = nil
            region = nil
            value = parts.map { $0.lowercased() }.joined(separator: "-")
            return
        }
        guard isAlpha(parts[0], 2...3) || isAlpha(parts[0], 5...8) else {
            throw fail("the language subtag '\(parts[0])' must be 2 or 3 letters (ISO 639)")
        }
        let lang = parts[0].lowercased()
        if let registry, !registry.isLanguage(lang) { throw fail("'\(lang)' is not an ISO 639 language code") }
        out.append(lang)
        i = 1
        // Up to three extended-language subtags (3 letters), e.g. zh-yue.
        var ext = 0
        while i < parts.count, ext < 3, isAlpha(parts[i], 3...3), lang.count <= 3 {
            out.append(parts[i].lowercased())
            i += 1
            ext += 1
        }
        var foundScript: String?
        if i < parts.count, isAlpha(parts[i], 4...4) {
            let s = parts[i].prefix(1).uppercased() + parts[i].dropFirst().lowercased()
            if let registry, !registry.isScript(s) { throw fail("'\(s)' is not an ISO 15924 script code") }
            foundScript = s
            out.append(s)
            i += 1
        }
        var foundRegion: String?
        if i < parts.count, isAlpha(parts[i], 2...2) || isDigit(parts[i], 3) {
            let r = parts[i].uppercased()
            if let registry, r.first!.isLetter, !registry.isRegion(r) { throw fail("'\(r)' is not an ISO 3166-1 region code") }
            foundRegion = r
            out.append(r)
            i += 1
        }
        // Variants: 5-8 alphanumerics, or 4 starting with a digit; no repeats.
        var variants = Set<String>()
        while i < parts.count, (5...8).contains(parts[i].count) || (parts[i].count == 4 && parts[i].first!.isNumber) {
            let v = parts[i].lowercased()
            guard variants.insert(v).inserted else { throw fail("variant '\(v)' is repeated") }
            out.append(v)
            i += 1
        }
        // Extensions: a singleton (not x) then subtags of 2-8; no singleton twice.
        var singletons = Set<String>()
        while i < parts.count, parts[i].count == 1, parts[i].lowercased() != "x" {
            let s = parts[i].lowercased()
            guard singletons.insert(s).inserted else { throw fail("extension '\(s)' appears twice") }
            out.append(s)
            i += 1
            var n = 0
            while i < parts.count, (2...8).contains(parts[i].count) {
                out.append(parts[i].lowercased())
                i += 1
                n += 1
            }
            guard n > 0 else { throw fail("extension '\(s)' has no subtags") }
        }
        if i < parts.count, parts[i].lowercased() == "x" {
            guard i + 1 < parts.count else { throw fail("'x' must be followed by a private-use subtag") }
            out += parts[i...].map { $0.lowercased() }
            i = parts.count
        }
        guard i == parts.count else { throw fail("'\(parts[i])' is out of place") }
        language = lang
        script = foundScript
        region = foundRegion
        value = out.joined(separator: "-")
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try LanguageTag(text)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    /// Whether text in this language is written without spaces between words, so agreement is
    /// scored per character (Chinese, Japanese, Thai, Lao, Khmer, Burmese, Tibetan).
    public var writtenWithoutSpaces: Bool {
        ["zh", "cmn", "yue", "wuu", "ja", "th", "lo", "km", "my", "bo", "dz"].contains(language)
    }
}

/// The ISO code lists a language tag's subtags are checked against, read from Debian's
/// `iso-codes` package (JSON files in `/usr/share/iso-codes/json`).
///
/// Nothing is parsed: a command checks a handful of codes, so each list's file is read once,
/// when first asked, and a code is looked up as its `"alpha_N": "code"` entry in the bytes.
/// (Parsing the 0.9 MB ISO 639-3 list with JSONSerialization took about 40 % of a short
/// command's CPU time.)
public final class LanguageRegistry: @unchecked Sendable {
    private let folder: String
    private let lock = NSLock()
    private var files: [String: Data] = [:]

    public func isLanguage(_ code: String) -> Bool {
        ["iso_639-3.json", "iso_639-2.json", "iso_639-5.json"].contains { has(code, key: code.count == 2 ? "alpha_2" : "alpha_3", in: $0) }
    }
    public func isScript(_ code: String) -> Bool { has(code, key: "alpha_4", in: "iso_15924.json") }
    public func isRegion(_ code: String) -> Bool { has(code, key: "alpha_2", in: "iso_3166-1.json") }
    /// Whether `code` is an ISO 4217 currency code.
    public func isCurrency(_ code: String) -> Bool { has(code, key: "alpha_3", in: "iso_4217.json") }

    /// Where Debian installs the lists.
    public static let debianFolder = "/usr/share/iso-codes/json"

    private init(folder: String) { self.folder = folder }

    /// The lists in `folder`; nil when they are not installed.
    public static func load(folder: String = debianFolder) -> LanguageRegistry? {
        let needed = ["iso_639-3.json", "iso_15924.json", "iso_3166-1.json"]
        guard needed.allSatisfy({ FileManager.default.isReadableFile(atPath: folder + "/" + $0) }) else { return nil }
        return LanguageRegistry(folder: folder)
    }

    /// Whether the list in `file` has an entry whose `key` is `code`: the quoted code, preceded
    /// (past white space and the colon) by the quoted key.
    private func has(_ code: String, key: String, in file: String) -> Bool {
        guard !code.isEmpty, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let data: Data = lock.withLock {
            if let known = files[file] { return known }
            let read = FileManager.default.contents(atPath: folder + "/" + file) ?? Data()
            files[file] = read
            return read
        }
        let needle = Data("\"\(code)\"".utf8), keyBytes = Array("\"\(key)\"".utf8)
        var from = data.startIndex
        while let hit = data.range(of: needle, in: from..<data.endIndex) {
            var i = hit.lowerBound - 1
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            while i >= data.startIndex && isSpace(data[i]) { i -= 1 }
            if i >= data.startIndex && data[i] == UInt8(ascii: ":") {
                i -= 1
                while i >= data.startIndex && isSpace(data[i]) { i -= 1 }
                let start = i - keyBytes.count + 1
                if start >= data.startIndex && Array(data[start...i]) == keyBytes { return true }
            }
            from = hit.upperBound
        }
        return false
    }
}
