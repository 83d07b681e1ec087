import ChorusStore

/// A translation mostly in another script than its language is written in: text left in
/// the source language, or typed with the wrong keyboard.
struct WrongScript: Rule {
    let name = "wrong-script"
    let severity = Severity.warning
    let summary = "translations are mostly written in their language's script"

    enum Script: String, CaseIterable {
        case latin = "Latn", cyrillic = "Cyrl", greek = "Grek", arabic = "Arab", hebrew = "Hebr", devanagari = "Deva",
             bengali = "Beng", tamil = "Taml", telugu = "Telu", thai = "Thai", ethiopic = "Ethi", georgian = "Geor",
             armenian = "Armn", hangul = "Hang", han = "Hani", kana = "Kana"

        /// Letters of this script, by block.
        var ranges: [ClosedRange<UInt32>] {
            switch self {
            case .latin: [0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF]
            case .cyrillic: [0x400...0x52F]
            case .greek: [0x370...0x3FF, 0x1F00...0x1FFF]
            case .arabic: [0x600...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFF]
            case .hebrew: [0x590...0x5FF]
            case .devanagari: [0x900...0x97F]
            case .bengali: [0x980...0x9FF]
            case .tamil: [0xB80...0xBFF]
            case .telugu: [0xC00...0xC7F]
            case .thai: [0xE00...0xE7F]
            case .ethiopic: [0x1200...0x139F]
            case .georgian: [0x10A0...0x10FF]
            case .armenian: [0x530...0x58F]
            case .hangul: [0xAC00...0xD7A3, 0x1100...0x11FF, 0x3130...0x318F]
            case .han: [0x4E00...0x9FFF, 0x3400...0x4DBF]
            case .kana: [0x3040...0x30FF]
            }
        }

        static func of(_ v: UInt32) -> Script? { allCases.first { $0.ranges.contains { $0.contains(v) } } }
    }

    /// The scripts a language is written in, for the languages this rule knows; a script
    /// subtag in the language tag (sr-Latn) wins.
    static func scripts(for tag: String) -> Set<Script>? {
        let parts = tag.split(separator: "-").map(String.init)
        if let explicit = parts.dropFirst().first(where: { $0.count == 4 }), let s = Script(rawValue: explicit) {
            return s == .han ? [.han, .kana] : [s]
        }
        switch parts.first?.lowercased() ?? "" {
        case "en", "fr", "de", "es", "pt", "it", "nl", "sw", "yo", "ha", "ig", "zu", "xh", "so", "om", "rw", "lg", "tr", "id", "ms", "vi", "pl", "cs", "ro", "sv", "da", "no", "fi", "hu", "tl", "ca", "eu", "ga", "cy", "af", "sq", "et", "lv", "lt", "sk", "sl", "hr", "mt", "is", "uz", "az", "wo", "ln", "ny", "sn", "st", "tn", "mg", "qu", "gn", "ay":
            return [.latin]
        case "ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "mn": return [.cyrillic]
        case "el": return [.greek]
        case "ar", "fa", "ur", "ps", "ug", "ckb": return [.arabic]
        case "he", "yi": return [.hebrew]
        case "hi", "mr", "ne", "sa": return [.devanagari]
        case "bn", "as": return [.bengali]
        case "ta": return [.tamil]
        case "te": return [.telugu]
        case "th": return [.thai]
        case "am", "ti": return [.ethiopic]
        case "ka": return [.georgian]
        case "hy": return [.armenian]
        case "ko": return [.hangul, .han]
        case "zh", "yue": return [.han]
        case "ja": return [.han, .kana]
        default: return nil
        }
    }

    func check(_ p: ValidationContext) -> [Finding] {
        var expected: [String: Set<Script>?] = [:]
        return p.snapshot.settled.filter { $0.language != p.sourceLanguage }.compactMap { t in
            let scripts: Set<Script>?
            if let known = expected[t.language] { scripts = known } else { scripts = Self.scripts(for: t.language); expected[t.language] = scripts }
            guard let scripts else { return nil }
            var letters = 0, inScript = 0
            for v in t.text.unicodeScalars.map(\.value) {
                guard let s = Script.of(v) else { continue }
                letters += 1
                if scripts.contains(s) { inScript += 1 }
            }
            guard letters >= 4, inScript * 2 < letters else { return nil }
            return finding("segment \(t.segmentID): the \(t.language) translation is mostly not in \(scripts.map(\.rawValue).sorted().joined(separator: "/")) script", segment: t.segmentID, recording: p.recordingPath(of: t.segmentID))
        }
    }
}
