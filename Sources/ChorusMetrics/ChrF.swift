/// chrF and chrF++ (Popović 2015, 2017) over a corpus, as sacrebleu computes them by default:
/// character n-grams of orders 1 to ``charOrder`` with white space removed, optional word
/// n-grams (words split on white space, a leading or trailing ASCII punctuation mark split
/// off), match statistics summed over the corpus, precision and recall averaged over the
/// orders that occur, then F-beta, on a 0 to 100 scale. Code points are compared.
public struct ChrF: Sendable {
    public var charOrder = 6
    public var wordOrder = 0
    public var beta = 2

    public init(charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2) {
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
    }

    /// Hypothesis, reference and matching n-gram counts per order: characters, then words.
    public struct Statistics: Sendable, Equatable {
        public var hypothesis: [Int]
        public var reference: [Int]
        public var matches: [Int]

        public static func + (x: Statistics, y: Statistics) -> Statistics {
            Statistics(
                hypothesis: zip(x.hypothesis, y.hypothesis).map(+), reference: zip(x.reference, y.reference).map(+),
                matches: zip(x.matches, y.matches).map(+))
        }
    }

    /// The corpus score, 0 to 100, and the statistics behind it.
    public func score(references: [String], hypotheses: [String]) -> (score: Double, statistics: Statistics) {
        let stats = statistics(references: references, hypotheses: hypotheses)
        return (fScore(stats), stats)
    }

    /// The score of statistics gathered (and summed) elsewhere, such as over parts of a corpus.
    public func score(_ statistics: Statistics) -> Double { fScore(statistics) }

    /// Summed match statistics of sentence pairs; statistics of parts of a corpus add up.
    public func statistics<R: Collection<String>, H: Collection<String>>(references: R, hypotheses: H) -> Statistics {
        let orders = charOrder + wordOrder
        var stats = Statistics(hypothesis: .init(repeating: 0, count: orders), reference: .init(repeating: 0, count: orders), matches: .init(repeating: 0, count: orders))
        var words = WordIDs()
        var table = GramTable()
        for (ref, hyp) in zip(references, hypotheses) {
            let r = Self.characters(ref), h = Self.characters(hyp)
            for n in 1...max(1, charOrder) where n <= charOrder {
                add(r, h, n, order: n - 1, table: &table, into: &stats)
            }
            if wordOrder > 0 {
                let rw = Self.words(ref).map { words.id($0) }, hw = Self.words(hyp).map { words.id($0) }
                for n in 1...wordOrder {
                    add(rw, hw, n, order: charOrder + n - 1, table: &table, into: &stats)
                }
            }
        }
        return stats
    }

    /// One order's counts for one pair, as sacrebleu's `_get_match_statistics`: each
    /// hypothesis n-gram matches one still unmatched copy in the reference; hypothesis
    /// n-grams count only when the reference has n-grams of that order at all.
    private func add(_ ref: [UInt32], _ hyp: [UInt32], _ n: Int, order: Int, table: inout GramTable, into stats: inout Statistics) {
        let refCount = max(0, ref.count - n + 1), hypCount = max(0, hyp.count - n + 1)
        var matched = 0
        if refCount > 0 && hypCount > 0 {
            table.reset(capacity: refCount)
            table.withSlots { slots in
                for i in 0..<refCount { slots.add(Self.gram(ref, i, n)) }
                for i in 0..<hypCount where slots.take(Self.gram(hyp, i, n)) { matched += 1 }
            }
        }
        stats.hypothesis[order] += refCount == 0 ? 0 : hypCount
        stats.reference[order] += refCount
        stats.matches[order] += matched
    }

    /// sacrebleu's `_compute_f_score` without epsilon smoothing (its default).
    func fScore(_ s: Statistics) -> Double {
        let factor = Double(beta * beta)
        var precision = 0.0, recall = 0.0
        var effective = 0
        for k in s.hypothesis.indices where s.hypothesis[k] > 0 && s.reference[k] > 0 {
            precision += Double(s.matches[k]) / Double(s.hypothesis[k])
            recall += Double(s.matches[k]) / Double(s.reference[k])
            effective += 1
        }
        guard effective > 0 else { return 0 }
        precision /= Double(effective)
        recall /= Double(effective)
        guard precision + recall != 0 else { return 0 }
        return 100 * ((1 + factor) * precision * recall / (factor * precision + recall))
    }

    /// An n-gram of up to six code points (or word ids), two 32-bit units to a word. Grams
    /// are only compared within one order, so the length is not kept.
    struct Gram: Comparable, Hashable {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt64 = 0
        static func < (x: Gram, y: Gram) -> Bool { (x.a, x.b, x.c) < (y.a, y.b, y.c) }
    }

    /// The longest n-gram a ``Gram`` holds.
    public static let maximumOrder = 6

    @inline(__always)
    static func gram(_ units: [UInt32], _ start: Int, _ n: Int) -> Gram {
        var g = Gram()
        for k in 0..<n {
            let v = UInt64(units[start + k])
            switch k {
            case 0, 1: g.a = g.a << 32 | v
            case 2, 3: g.b = g.b << 32 | v
            default: g.c = g.c << 32 | v
            }
        }
        return g
    }

    /// Code points without any white space (`''.join(line.split())`).
    static func characters(_ line: String) -> [UInt32] {
        line.unicodeScalars.map(\.value).filter { !TextUnits.isPythonSpace($0) }
    }

    static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.map(\.value))

    /// sacrebleu's `_remove_punctuation`: words split on white space; a word of two or more
    /// code points sheds one trailing punctuation mark, or else one leading one.
    static func words(_ line: String) -> [ArraySlice<UInt32>] {
        let scalars = line.unicodeScalars.map(\.value)
        var out: [ArraySlice<UInt32>] = []
        for w in scalars.split(whereSeparator: TextUnits.isPythonSpace) {
            if w.count == 1 {
                out.append(w)
            } else if let last = w.last, punctuation.contains(last) {
                out.append(w.dropLast())
                out.append(w.suffix(1))
            } else if let first = w.first, punctuation.contains(first) {
                out.append(w.prefix(1))
                out.append(w.dropFirst())
            } else {
                out.append(w)
            }
        }
        return out
    }
}

/// A multiset of n-grams for one sentence pair at a time: open addressing with linear
/// probing, reused across pairs (a round number marks the live slots, so clearing is free).
struct GramTable {
    private var keys: [ChrF.Gram] = []
    private var counts: [Int32] = []
    private var marks: [UInt32] = []
    private var round: UInt32 = 0
    private var mask = 0

    /// Empties the table, with room for `capacity` distinct n-grams.
    mutating func reset(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        if size > keys.count {
            keys = .init(repeating: ChrF.Gram(), count: size)
            counts = .init(repeating: 0, count: size)
            marks = .init(repeating: 0, count: size)
            mask = size - 1
            round = 0
        }
        round &+= 1
        if round == 0 {
            for i in marks.indices { marks[i] = 0 }
            round = 1
        }
    }

    /// Runs `body` with direct access to the slots (no copy-on-write checks per probe).
    mutating func withSlots<T>(_ body: (inout Slots) -> T) -> T {
        let mask = self.mask, round = self.round
        return keys.withUnsafeMutableBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                marks.withUnsafeMutableBufferPointer { m in
                    var slots = Slots(keys: k, counts: c, marks: m, round: round, mask: mask)
                    return body(&slots)
                }
            }
        }
    }

    struct Slots {
        let keys: UnsafeMutableBufferPointer<ChrF.Gram>
        let counts: UnsafeMutableBufferPointer<Int32>
        let marks: UnsafeMutableBufferPointer<UInt32>
        let round: UInt32
        let mask: Int

        @inline(__always)
        private func start(_ g: ChrF.Gram) -> Int {
            var h = g.a &* 0x9E37_79B9_7F4A_7C15
            h ^= (g.b &+ 0x632B_E59B_D9B4_E019) &* 0xBF58_476D_1CE4_E5B9
            h ^= (g.c &+ 0x94D0_49BB_1331_11EB) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        }

        /// Adds one copy.
        @inline(__always)
        func add(_ g: ChrF.Gram) {
            var i = start(g)
            while marks[i] == round {
                if keys[i] == g {
                    counts[i] += 1
                    return
                }
                i = (i + 1) & mask
            }
            marks[i] = round
            keys[i] = g
            counts[i] = 1
        }

        /// Takes one copy if any is left.
        @inline(__always)
        func take(_ g: ChrF.Gram) -> Bool {
            var i = start(g)
            while marks[i] == round {
                if keys[i] == g {
                    guard counts[i] > 0 else { return false }
                    counts[i] -= 1
                    return true
                }
                i = (i + 1) & mask
            }
            return false
        }
    }
}

/// Exact code point sequences to small integers, for word n-grams.
struct WordIDs {
    private var ids: [WordKey: UInt32] = [:]

    mutating func id(_ word: ArraySlice<UInt32>) -> UInt32 {
        let key = WordKey(word)
        if let id = ids[key] { return id }
        let id = UInt32(ids.count)
        ids[key] = id
        return id
    }
}
