import ChorusMetrics

/// When a segment's independent texts count as agreeing, and which one is settled: the
/// closest two must differ by at most ``threshold`` in character error rate after
/// ``normalization``; the settled text is then the medoid, the text with the least total
/// distance to all the others (the earliest on a tie). Otherwise it goes to review.
///
/// The distance between two texts is symmetric: character edits over the mean of their
/// lengths, on normalised code points.
public struct SettlingRule: Sendable {
    public var threshold: Double
    public var normalization: ComparisonNormalization

    public init(threshold: Double, normalization: ComparisonNormalization) {
        self.threshold = threshold
        self.normalization = normalization
    }

    /// The settled text and its agreement (1 − the closest pair's distance), or nil when the
    /// texts do not agree.
    public func settle(_ texts: [String]) -> (text: String, agreement: Double)? {
        guard let first = texts.first else { return nil }
        if texts.count == 1 { return (first, 1) }
        let units = texts.map { Array(normalization.apply($0).unicodeScalars.map(\.value)) }
        var distance = [[Double]](repeating: [Double](repeating: 0, count: texts.count), count: texts.count)
        var closest = Double.infinity
        for i in texts.indices {
            for j in texts.indices where j > i {
                let d = Self.distance(units[i], units[j])
                distance[i][j] = d
                distance[j][i] = d
                closest = min(closest, d)
            }
        }
        guard closest <= threshold + 1e-12 else { return nil }
        let medoid = texts.indices.min { a, b in
            let x = distance[a].reduce(0, +), y = distance[b].reduce(0, +)
            return x < y || (x == y && a < b)
        } ?? 0
        return (texts[medoid], 1 - closest)
    }

    /// Character edits over the mean length; 0 for two empty texts.
    public static func distance(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let mean = Double(a.count + b.count) / 2
        guard mean > 0 else { return 0 }
        return Double(EditAlignment.counts(reference: a, hypothesis: b).errors) / mean
    }
}
