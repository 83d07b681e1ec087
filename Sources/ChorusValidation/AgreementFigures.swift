import ChorusSupport
import ChorusMetrics
import ChorusStore

/// Inter-annotator agreement over a project, under the agreement normalisation: pairwise WER
/// and CER between transcribers of each segment, chrF between translators, each annotator's
/// agreement with the settled text, and Krippendorff's alpha over skip reasons.
///
/// Pairwise rates are symmetric: edits over the mean length of the two texts.
public struct AgreementFigures: Sendable, Codable, Equatable {
    public struct SegmentFigure: Sendable, Codable, Equatable {
        public var segment: Int64
        public var texts: Int
        /// Mean over pairs.
        public var wer: Double
        public var cer: Double
    }

    public struct AnnotatorFigure: Sendable, Codable, Equatable {
        public var annotator: String
        public var texts: Int
        /// Mean 1 − CER against the settled text.
        public var agreement: Double
    }

    public struct Distribution: Sendable, Codable, Equatable {
        public var count: Int
        public var mean: Double
        public var median: Double
        /// Counts in ten bins of 0.1 from 0 to 1 (the last also holds values above 1).
        public var histogram: [Int]
    }

    public var segments: [SegmentFigure] = []
    public var annotators: [AnnotatorFigure] = []
    public var transcriptCER: Distribution?
    public var transcriptWER: Distribution?
    /// chrF (0 to 100) between translators, per target language.
    public var translationChrF: [String: Distribution] = [:]
    /// Krippendorff's alpha (nominal) over the skip reasons people gave the same segment; nil
    /// when no segment was skipped by two people.
    public var skipReasonAlpha: Double?

    public init() {}

    public static func compute(_ p: ValidationContext) -> AgreementFigures {
        var f = AgreementFigures()
        let source = p.sourceLanguage
        let annotations = Array(zip(p.snapshot.annotations, p.normalizedAnnotations))
        let transcripts = Dictionary(grouping: annotations.filter { $0.0.kind == .transcribe && $0.0.language == source }, by: \.0.segmentID)
        var cers: [Double] = [], wers: [Double] = []
        for (segment, items) in transcripts.sorted(by: { $0.key < $1.key }) where items.count >= 2 {
            let texts = items.map(\.1)
            var c: [Double] = [], w: [Double] = []
            for i in texts.indices {
                for j in texts.indices where j > i {
                    c.append(symmetric(texts[i].unicodeScalars.map(\.value), texts[j].unicodeScalars.map(\.value)))
                    let (x, y) = words(texts[i], texts[j])
                    w.append(symmetric(x, y))
                }
            }
            let figure = SegmentFigure(segment: segment, texts: items.count, wer: mean(w), cer: mean(c))
            f.segments.append(figure)
            cers.append(figure.cer)
            wers.append(figure.wer)
        }
        f.transcriptCER = distribution(cers)
        f.transcriptWER = distribution(wers)
        // Each annotator against the settled text.
        let scored = Parallel.map(annotations) { a, text -> (String, Double)? in
            guard p.settled[a.segmentID]?[a.language] != nil else { return nil }
            let settled = p.normalized(a.segmentID, a.language)
            return (a.annotator, 1 - symmetric(text.unicodeScalars.map(\.value), settled.unicodeScalars.map(\.value)))
        }
        var byPerson: [String: [Double]] = [:]
        for case let (person, value)? in scored { byPerson[person, default: []].append(value) }
        f.annotators = byPerson.keys.sorted().map { AnnotatorFigure(annotator: $0, texts: byPerson[$0]?.count ?? 0, agreement: mean(byPerson[$0] ?? [])) }
        // Translators: chrF of each pair, both ways.
        for target in p.snapshot.config.targetLanguages.map(\.value) {
            let groups = Dictionary(grouping: p.snapshot.annotations.filter { $0.kind == .translate && $0.language == target }, by: \.segmentID)
            var scores: [Double] = []
            for (_, items) in groups where items.count >= 2 {
                for i in items.indices {
                    for j in items.indices where j != i {
                        scores.append(ChrF().score(references: [items[i].text], hypotheses: [items[j].text]).score)
                    }
                }
            }
            if let d = distribution(scores.map { $0 / 100 }) {
                f.translationChrF[target] = Distribution(count: d.count, mean: d.mean * 100, median: d.median * 100, histogram: d.histogram)
            }
        }
        // Skip reasons as nominal codes: coders are people, units are segments.
        let people = Array(Set(p.snapshot.skips.map(\.annotator))).sorted()
        let units = Array(Set(p.snapshot.skips.map(\.segmentID))).sorted()
        if people.count >= 2 {
            let data: [[CodedValue?]] = people.map { person in
                units.map { unit in p.snapshot.skips.last { $0.annotator == person && $0.segmentID == unit }.map { .category($0.reason.rawValue) } }
            }
            f.skipReasonAlpha = try? KrippendorffAlpha.alpha(data, level: .nominal)
        }
        return f
    }

    /// Two texts' words as ids shared between them, for a word-level edit distance.
    static func words(_ a: String, _ b: String) -> ([UInt32], [UInt32]) {
        var ids: [String: UInt32] = [:]
        func encode(_ text: String) -> [UInt32] {
            text.split(separator: " ").map { w in
                let key = String(w)
                if let id = ids[key] { return id }
                let id = UInt32(ids.count)
                ids[key] = id
                return id
            }
        }
        return (encode(a), encode(b))
    }

    static func symmetric(_ a: [UInt32], _ b: [UInt32]) -> Double { SettlingRule.distance(a, b) }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

    static func distribution(_ xs: [Double]) -> Distribution? {
        guard !xs.isEmpty else { return nil }
        var bins = [Int](repeating: 0, count: 10)
        for x in xs { bins[min(9, max(0, Int(x * 10)))] += 1 }
        return Distribution(count: xs.count, mean: mean(xs), median: Robust.median(xs), histogram: bins)
    }
}
