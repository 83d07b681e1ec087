import Foundation

/// How texts are normalised before agreement is measured between people (not for the
/// reference-tool metrics, which compare raw code points): Unicode NFC, case folding,
/// punctuation and symbols removed, white space collapsed, the project's non-speech tags
/// removed; languages written without spaces between words are scored per character.
public struct ComparisonNormalization: Sendable, Equatable {
    /// Tags such as `[noise]` to drop.
    public var tags: [String]
    /// Score per character: each character becomes a word (Chinese, Japanese, Thai ...).
    public var perCharacter: Bool

    /// Primary language subtags of languages written without spaces between words.
    public static let unspacedLanguages: Set<String> = ["zh", "ja", "th", "lo", "km", "my", "bo", "dz", "yue", "wuu", "nan", "hak", "ii"]

    public init(tags: [String] = [], perCharacter: Bool = false) {
        self.tags = tags
        self.perCharacter = perCharacter
    }

    /// The normalisation for `language` (a BCP-47 tag) in a project with `tags`.
    public init(language: String?, tags: [String]) {
        let primary = language?.split(separator: "-").first.map { $0.lowercased() } ?? ""
        self.init(tags: tags, perCharacter: Self.unspacedLanguages.contains(primary))
    }

    public func apply(_ text: String) -> String {
        var t = text.precomposedStringWithCanonicalMapping
        for tag in tags where !tag.isEmpty {
            t = t.replacingOccurrences(of: tag.precomposedStringWithCanonicalMapping, with: " ", options: [.caseInsensitive, .literal])
        }
        let folded = t.folding(options: [.caseInsensitive], locale: nil)
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if CharacterSet.whitespacesAndNewlines.contains(scalar) {
                if !current.isEmpty { words.append(current); current = "" }
                continue
            }
            if CharacterSet.punctuationCharacters.contains(scalar) || CharacterSet.symbols.contains(scalar) { continue }
            current.unicodeScalars.append(scalar)
        }
        if !current.isEmpty { words.append(current) }
        if perCharacter {
            // Each grapheme its own word, so word metrics count characters.
            return words.joined().map(String.init).joined(separator: " ")
        }
        return words.joined(separator: " ")
    }
}
