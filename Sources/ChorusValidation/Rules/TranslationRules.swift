import ChorusStore
import Foundation

/// Every settled transcript has a settled translation in every target language.
struct TranslationPresent: Rule {
    let name = "translation-present"
    let severity = Severity.warning
    let summary = "every settled transcript has a translation into each target language"

    func check(_ p: ValidationContext) -> [Finding] {
        let targets = p.snapshot.config.targetLanguages.map(\.value)
        return p.settledSegments(in: p.sourceLanguage).flatMap { segment, _ in
            targets.filter { p.settled[segment]?[$0] == nil }.map {
                finding("segment \(segment) has no \($0) translation", segment: segment, recording: p.recordingPath(of: segment))
            }
        }
    }
}

/// Translations identical to their source: left untranslated.
struct Untranslated: Rule {
    let name = "untranslated"
    let severity = Severity.warning
    let summary = "translations are not the source text copied"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.filter { $0.language != p.sourceLanguage }.compactMap { t in
            guard p.settled[t.segmentID]?[p.sourceLanguage] != nil else { return nil }
            let a = p.normalized(t.segmentID, p.sourceLanguage), b = p.normalized(t.segmentID, t.language)
            guard !a.isEmpty, a == b, a.split(separator: " ").count >= 2 else { return nil }
            return finding("segment \(t.segmentID): the \(t.language) translation is the transcript itself", segment: t.segmentID, recording: p.recordingPath(of: t.segmentID))
        }
    }
}

/// Numbers written in digits in the source that the translation does not have.
struct NumbersKept: Rule {
    let name = "numbers-kept"
    let severity = Severity.warning
    let summary = "numbers in digits in a transcript appear in its translations"

    static func numbers(_ text: String) -> [String] {
        var out: [String] = [], current = ""
        for c in text {
            if c.isASCII && c.isNumber { current.append(c) } else if !current.isEmpty { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.filter { $0.language != p.sourceLanguage }.compactMap { t in
            guard let s = p.settled[t.segmentID]?[p.sourceLanguage] else { return nil }
            let missing = Self.numbers(s).filter { !Self.numbers(t.text).contains($0) }
            guard !missing.isEmpty else { return nil }
            return finding("segment \(t.segmentID): \(missing.joined(separator: ", ")) in the transcript is missing from the \(t.language) translation", segment: t.segmentID, recording: p.recordingPath(of: t.segmentID))
        }
    }
}

/// Translation length against source length, per language pair: robust outliers.
struct LengthRatioOutliers: Rule {
    let name = "length-ratio-outliers"
    let severity = Severity.warning
    let summary = "translation-to-source length ratios are not outliers per language pair (robust z-score above 3.5)"

    func check(_ p: ValidationContext) -> [Finding] {
        var out: [Finding] = []
        for target in p.snapshot.config.targetLanguages.map(\.value) {
            let rows: [(Int64, Double)] = p.settledSegments(in: target).compactMap { segment, text in
                guard let s = p.settled[segment]?[p.sourceLanguage], !s.isEmpty, !text.isEmpty else { return nil }
                return (segment, log(Double(text.count) / Double(s.count)))
            }
            guard rows.count >= 10 else { continue }
            for (row, z) in zip(rows, Robust.zScores(rows.map(\.1))) where abs(z) > 3.5 {
                out.append(finding(String(format: "segment %lld: the %@ translation's length against the transcript's is an outlier (robust z %.1f)", row.0, target, z), segment: row.0, recording: p.recordingPath(of: row.0)))
            }
        }
        return out
    }
}
