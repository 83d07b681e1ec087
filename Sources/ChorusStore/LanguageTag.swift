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
public struct LanguageRegistry: Sendable {
    private let languages: Set<String>
    private let scripts: Set<String>
    private let regions: Set<String>

    public func isLanguage(_ code: String) -> Bool { languages.contains(code) }
    public func isScript(_ code: String) -> Bool { scripts.contains(code) }
    public func isRegion(_ code: String) -> Bool { regions.contains(code) }

    /// Where Debian installs the lists.
    public static let debianFolder = "/usr/share/iso-codes/json"

    /// Reads the lists; nil when they are not installed.
    public static func load(folder: String = debianFolder) -> LanguageRegistry? {
        func entries(_ file: String, _ key: String) -> [[String: Any]]? {
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(file)"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object[key] as? [[String: Any]]
        }
        guard let l3 = entries("iso_639-3.json", "639-3"), let s = entries("iso_15924.json", "15924"),
              let r = entries("iso_3166-1.json", "3166-1") else { return nil }
        var languages = Set<String>()
        for e in l3 {
            if let a = e["alpha_2"] as? String { languages.insert(a) }
            if let a = e["alpha_3"] as? String { languages.insert(a) }
        }
        for file in [("iso_639-2.json", "639-2"), ("iso_639-5.json", "639-5")] {
            for e in entries(file.0, file.1) ?? [] {
                if let a = e["alpha_3"] as? String { languages.insert(a) }
            }
        }
        return LanguageRegistry(
            languages: languages,
            scripts: Set(s.compactMap { $0["alpha_4"] as? String }),
            regions: Set(r.compactMap { $0["alpha_2"] as? String }))
    }
}
