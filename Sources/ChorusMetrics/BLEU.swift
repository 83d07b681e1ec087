import RealModule

/// Corpus BLEU (Papineni et al. 2002) as sacrebleu computes it by default: the `13a`
/// tokeniser of mteval-v13a, word n-grams of orders 1 to 4 clipped by the reference counts
/// and summed over the corpus, the brevity penalty, and exponential ("exp", NIST) smoothing
/// of orders with no match; 0 to 100. One reference per sentence.
public struct BLEU: Sendable {
    public static let maxOrder = 4

    public init() {}

    /// Sufficient statistics; statistics of parts of a corpus add up.
    public struct Statistics: Sendable, Equatable {
        public var hypothesisLength = 0
        public var referenceLength = 0
        public var correct = [Int](repeating: 0, count: BLEU.maxOrder)
        public var total = [Int](repeating: 0, count: BLEU.maxOrder)

        public init() {}

        public static func + (x: Statistics, y: Statistics) -> Statistics {
            var s = Statistics()
            s.hypothesisLength = x.hypothesisLength + y.hypothesisLength
            s.referenceLength = x.referenceLength + y.referenceLength
            s.correct = zip(x.correct, y.correct).map(+)
            s.total = zip(x.total, y.total).map(+)
            return s
        }
    }

    public func statistics<R: Collection<String>, H: Collection<String>>(references: R, hypotheses: H) -> Statistics {
        var s = Statistics()
        var table = GramTable()
        var ids = WordIDs()
        for (ref, hyp) in zip(references, hypotheses) {
            let r = Self.tokens(ref).map { ids.id($0) }, h = Self.tokens(hyp).map { ids.id($0) }
            s.hypothesisLength += h.count
            s.referenceLength += r.count
            for n in 1...Self.maxOrder {
                let refCount = max(0, r.count - n + 1), hypCount = max(0, h.count - n + 1)
                s.total[n - 1] += hypCount
                guard refCount > 0 && hypCount > 0 else { continue }
                table.reset(capacity: refCount)
                var matched = 0
                table.withSlots { slots in
                    for i in 0..<refCount { slots.add(ChrF.gram(r, i, n)) }
                    for i in 0..<hypCount where slots.take(ChrF.gram(h, i, n)) { matched += 1 }
                }
                s.correct[n - 1] += matched
            }
        }
        return s
    }

    /// sacrebleu's `compute_bleu` with `smooth_method='exp'`.
    public func score(_ s: Statistics) -> Double {
        var bp = 1.0
        if s.hypothesisLength < s.referenceLength {
            bp = s.hypothesisLength > 0 ? Double.exp(1 - Double(s.referenceLength) / Double(s.hypothesisLength)) : 0
        }
        guard s.correct.contains(where: { $0 != 0 }) else { return 0 }
        var precisions = [Double](repeating: 0, count: Self.maxOrder)
        var smooth = 1.0
        for n in 1...Self.maxOrder {
            if s.total[n - 1] == 0 { break }
            if s.correct[n - 1] == 0 {
                smooth *= 2
                precisions[n - 1] = 100 / (smooth * Double(s.total[n - 1]))
            } else {
                precisions[n - 1] = 100 * Double(s.correct[n - 1]) / Double(s.total[n - 1])
            }
        }
        var sum = 0.0
        for p in precisions { sum += p > 0 ? Double.log(p) : -9_999_999_999 }
        return bp * Double.exp(sum / Double(Self.maxOrder))
    }

    public func score(references: [String], hypotheses: [String]) -> Double {
        score(statistics(references: references, hypotheses: hypotheses))
    }

    // MARK: The 13a tokeniser

    /// Tokens of a line as sacrebleu's `13a` gives them (after its `rstrip`), as code points.
    static func tokens(_ line: String) -> [ArraySlice<UInt32>] {
        var s = line.unicodeScalars.map(\.value)
        while let last = s.last, TextUnits.isPythonSpace(last) { s.removeLast() }
        let tokenized = tokenize13a(s)
        return tokenized.split(whereSeparator: TextUnits.isPythonSpace)
    }

    static func tokenize13a(_ input: [UInt32]) -> [UInt32] {
        var s = input
        if s.contains(0x3C) { s = replace(s, "<skipped>", "") }  // <
        if s.contains(0x0A) {
            s = replace(s, "-\n", "")
            s = replace(s, "\n", " ")
        }
        if s.contains(0x26) {  // &
            s = replace(s, "&quot;", "\"")
            s = replace(s, "&amp;", "&")
            s = replace(s, "&lt;", "<")
            s = replace(s, "&gt;", ">")
        }
        s = [0x20] + s + [0x20]
        // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "
        var out: [UInt32] = []
        out.reserveCapacity(s.count * 2)
        for v in s {
            if (0x7B...0x7E).contains(v) || (0x5B...0x60).contains(v) || (0x20...0x26).contains(v)
                || (0x28...0x2B).contains(v) || (0x3A...0x40).contains(v) || v == 0x2F {
                out.append(0x20)
                out.append(v)
                out.append(0x20)
            } else {
                out.append(v)
            }
        }
        func digit(_ v: UInt32) -> Bool { (0x30...0x39).contains(v) }
        func period(_ v: UInt32) -> Bool { v == 0x2E || v == 0x2C }
        // ([^0-9])([\.,]) → "\1 \2 "
        out = pairs(out) { a, b in !digit(a) && period(b) ? [a, 0x20, b, 0x20] : nil }
        // ([\.,])([^0-9]) → " \1 \2"
        out = pairs(out) { a, b in period(a) && !digit(b) ? [0x20, a, 0x20, b] : nil }
        // ([0-9])(-) → "\1 \2 "
        out = pairs(out) { a, b in digit(a) && b == 0x2D ? [a, 0x20, b, 0x20] : nil }
        return out
    }

    /// `re.sub` of a two-character pattern: scans left to right; after a match, the scan
    /// resumes past both characters.
    private static func pairs(_ s: [UInt32], _ rule: (UInt32, UInt32) -> [UInt32]?) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(s.count + s.count / 4)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, let r = rule(s[i], s[i + 1]) {
                out.append(contentsOf: r)
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// `str.replace`: every non-overlapping occurrence, left to right.
    private static func replace(_ s: [UInt32], _ pattern: String, _ with: String) -> [UInt32] {
        let p = pattern.unicodeScalars.map(\.value), w = with.unicodeScalars.map(\.value)
        guard !p.isEmpty, s.count >= p.count else { return s }
        var out: [UInt32] = []
        var i = 0
        while i < s.count {
            if i + p.count <= s.count && s[i] == p[0] && Array(s[i..<(i + p.count)]) == p {
                out += w
                i += p.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}
