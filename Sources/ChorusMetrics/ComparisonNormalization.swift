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
    /// Fold case (Unicode case folding), so "The" and "the" agree.
    public var foldCase: Bool
    /// Drop punctuation and symbols (Unicode categories P and S).
    public var removePunctuation: Bool

    /// Primary language subtags of languages written without spaces between words.
    public static let unspacedLanguages: Set<String> = ["zh", "ja", "th", "lo", "km", "my", "bo", "dz", "yue", "wuu", "nan", "hak", "ii"]

    public init(tags: [String] = [], perCharacter: Bool = false, foldCase: Bool = true, removePunctuation: Bool = true) {
        self.tags = tags
        self.perCharacter = perCharacter
        self.foldCase = foldCase
        self.removePunctuation = removePunctuation
    }

    /// The default normalisation for `language` (a BCP-47 tag) in a project with `tags`; a
    /// project's `languages:` settings override it (``ProjectConfig/normalization(for:)``).
    public init(language: String?, tags: [String]) {
        self.init(tags: tags, perCharacter: Self.isUnspaced(language))
    }

    /// Whether `language` is written without spaces between words, by its primary subtag.
    public static func isUnspaced(_ language: String?) -> Bool {
        unspacedLanguages.contains(language?.split(separator: "-").first.map { $0.lowercased() } ?? "")
    }

    public func apply(_ text: String) -> String {
        // ASCII text is already NFC and folds to lower case: Foundation's slower paths are
        // for everything else.
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        var t = ascii ? text : text.precomposedStringWithCanonicalMapping
        // Tags all start with "[" (the config insists), so most texts skip the search.
        if t.utf8.contains(0x5B) {
            for tag in tags where !tag.isEmpty {
                t = t.replacingOccurrences(of: tag.precomposedStringWithCanonicalMapping, with: " ", options: [.caseInsensitive, .literal])
            }
            // Play-time stamps the loop inserts (`[1:23.4]`) are never speech.
            t = t.replacing(/\[[0-9]+:[0-5][0-9]\.[0-9]\]/, with: " ")
        }
        let folded = !foldCase ? t : ascii ? t.lowercased() : t.folding(options: [.caseInsensitive], locale: nil)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            let space: Bool, drop: Bool
            if scalar.value < 0x80 {
                // ASCII: the same answers as the Unicode properties, without looking them up.
                let v = scalar.value
                space = v == 0x20 || (0x09...0x0D).contains(v)
                drop = (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
            } else {
                let properties = scalar.properties
                space = properties.isWhitespace
                drop = Self.dropped.contains(properties.generalCategory)
            }
            if space {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                continue
            }
            if drop && removePunctuation { continue }
            current.append(scalar)
        }
        if !current.isEmpty { words.append(String(current)) }
        if perCharacter {
            // Each grapheme its own word, so word metrics count characters.
            return words.joined().map(String.init).joined(separator: " ")
        }
        return words.joined(separator: " ")
    }

    /// Punctuation and symbols (Unicode categories P* and S*), as Foundation's
    /// `punctuationCharacters` and `symbols`.
    static let dropped: Set<Unicode.GeneralCategory> = [
        .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation,
        .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
    ]
}
