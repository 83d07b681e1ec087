

/// When a segment's independent texts count as agreeing, and which one is settled: the
/// closest two must differ by at most ``threshold`` in character error rate after
/// ``normalization``; the settled text is then the medoid, the text with the least total
/// distance to all the others (the earliest on a tie). Failing that, three or more texts may
/// still settle by a ROVER-style word vote (Fiscus 1997): every text is aligned word by word
/// to the medoid and each word slot (and each gap between them) goes to what a strict
/// majority wrote there. Otherwise it goes to review.
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

    /// How a text was settled.
    public enum Method: String, Sendable { case agreed, consensus }

    /// The settled text, how, and its agreement (1 − the closest pair's distance; for a
    /// consensus, the mean share of votes its words won), or nil when the texts do not agree.
    public func settle(_ texts: [String]) -> (text: String, agreement: Double, method: Method)? {
        guard let first = texts.first else { return nil }
        if texts.count == 1 { return (first, 1, .agreed) }
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
        let medoid = texts.indices.min { a, b in
            let x = distance[a].reduce(0, +), y = distance[b].reduce(0, +)
            return x < y || (x == y && a < b)
        } ?? 0
        if closest <= threshold + 1e-12 { return (texts[medoid], 1 - closest, .agreed) }
        guard texts.count >= 3, !normalization.perCharacter else { return nil }
        return vote(texts, pivot: medoid).map { ($0.text, $0.share, .consensus) }
    }

    /// A word of a text: as written, and as compared.
    struct Word { var written: String; var key: String }

    /// ROVER's vote on a network built by aligning every text to the pivot.
    func vote(_ texts: [String], pivot: Int) -> (text: String, share: Double)? {
        let words = texts.map { text in
            text.split(whereSeparator: \.isWhitespace).map { Word(written: String($0), key: normalization.apply(String($0))) }.filter { !$0.key.isEmpty }
        }
        let base = words[pivot]
        // slots[2k+1]: the pivot's word k; slots[2k]: the gap before it (the last, after all).
        var slots = [[String: [String]]](repeating: [:], count: 2 * base.count + 1)
        // The pivot votes first, so a word it shares with others is written its way.
        for t in [pivot] + words.indices.filter({ $0 != pivot }) {
            let mine = words[t]
            var ballot = [String?](repeating: nil, count: slots.count)  // nil: nothing there
            var gaps = [[String]](repeating: [], count: base.count + 1)
            if t == pivot {
                for (k, w) in base.enumerated() { ballot[2 * k + 1] = w.written }
            } else {
                for op in Self.align(base.map(\.key), mine.map(\.key)) {
                    switch op {
                    case let .pair(i, j): ballot[2 * i + 1] = mine[j].written
                    case .skip: break
                    case let .insert(beforePivot, j): gaps[beforePivot].append(mine[j].written)
                    }
                }
                for (g, inserted) in gaps.enumerated() where !inserted.isEmpty { ballot[2 * g] = inserted.joined(separator: " ") }
            }
            for (s, choice) in ballot.enumerated() {
                let written = choice ?? ""
                slots[s][normalization.apply(written), default: []].append(written)
            }
        }
        let n = texts.count
        var out: [String] = []
        var shares: [Double] = []
        for (s, candidates) in slots.enumerated() {
            // The most votes; a tie goes to what the pivot has there.
            let pivotKey = s % 2 == 1 ? base[s / 2].key : ""
            guard let winner = candidates.max(by: { a, b in
                a.value.count < b.value.count || (a.value.count == b.value.count && b.key == pivotKey)
            }), 2 * winner.value.count > n else { return nil }
            if !winner.key.isEmpty {
                out.append(winner.value.first ?? "")
                shares.append(Double(winner.value.count) / Double(n))
            }
        }
        guard !out.isEmpty else { return nil }
        return (out.joined(separator: " "), shares.reduce(0, +) / Double(shares.count))
    }

    enum Op: Equatable { case pair(Int, Int), skip(Int), insert(Int, Int) }

    /// A minimal word alignment of `b` to `a` (matches and substitutions pair words; a word
    /// of `a` alone is skipped; a word of `b` alone is inserted before `a`'s next word).
    static func align(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var d = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { d[i][0] = i }
        for j in 0...m { d[0][j] = j }
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
            }
        }
        var ops: [Op] = []
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1) {
                ops.append(.pair(i - 1, j - 1)); i -= 1; j -= 1
            } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
                ops.append(.skip(i - 1)); i -= 1
            } else {
                ops.append(.insert(i, j - 1)); j -= 1
            }
        }
        return ops.reversed()
    }

    /// Character edits over the mean length; 0 for two empty texts.
    public static func distance(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let mean = Double(a.count + b.count) / 2
        guard mean > 0 else { return 0 }
        return Double(EditAlignment.counts(reference: a, hypothesis: b).errors) / mean
    }
}
