import ChorusStore
import Foundation

/// Characters per second of speech a language is plausibly spoken at; outside it, a text is
/// likely truncated, on the wrong segment, or the segment mis-cut.
struct SpeakingRate: Rule {
    let name = "speaking-rate"
    let severity = Severity.warning
    let summary = "transcripts are spoken at a plausible rate (characters per second)"

    func check(_ p: ValidationContext) -> [Finding] {
        let range = p.snapshot.config.speakingRate(for: p.sourceLanguage)
        return p.settledSegments(in: p.sourceLanguage).compactMap { segment, _ in
            guard let s = p.segments[segment], s.end > s.start else { return nil }
            let chars = Double(p.normalized(segment, p.sourceLanguage).filter { $0 != " " }.count)
            let rate = chars / (s.end - s.start)
            guard !range.contains(rate) else { return nil }
            return finding(String(format: "segment %lld: %.1f characters a second over %.2f s (plausible %.0f–%.0f)", segment, rate, s.end - s.start, range.lowerBound, range.upperBound),
                           segment: segment, recording: p.recordingPath(of: segment))
        }
    }
}

/// Duration against text length across the corpus: a transcript shifted by one segment
/// stands out from the others by its seconds per character.
struct DurationOutliers: Rule {
    let name = "duration-outliers"
    let severity = Severity.warning
    let summary = "seconds per character is not an outlier across the corpus (robust z-score above 3.5)"

    func check(_ p: ValidationContext) -> [Finding] {
        let rows: [(Int64, Double)] = p.settledSegments(in: p.sourceLanguage).compactMap { segment, _ in
            guard let s = p.segments[segment], s.end > s.start else { return nil }
            let chars = p.normalized(segment, p.sourceLanguage).filter { $0 != " " }.count
            guard chars > 0 else { return nil }
            return (segment, log((s.end - s.start) / Double(chars)))
        }
        guard rows.count >= 10 else { return [] }
        let z = Robust.zScores(rows.map(\.1))
        return zip(rows, z).compactMap { row, z in
            abs(z) > 3.5 ? finding(String(format: "segment %lld: duration for its text length is an outlier (robust z %.1f)", row.0, z), segment: row.0, recording: p.recordingPath(of: row.0)) : nil
        }
    }
}
