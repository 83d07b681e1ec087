/// Word and character error rates over a corpus of sentence pairs, as jiwer computes them by
/// default: edits summed over all pairs, then one ratio.
public struct ErrorRates: Sendable, Equatable {
    public var counts: EditCounts
    /// Units in the references and in the hypotheses.
    public var referenceUnits: Int
    public var hypothesisUnits: Int

    public init(counts: EditCounts = EditCounts(), referenceUnits: Int = 0, hypothesisUnits: Int = 0) {
        self.counts = counts
        self.referenceUnits = referenceUnits
        self.hypothesisUnits = hypothesisUnits
    }

    /// (S + D + I) / (H + S + D). With no reference units at all, jiwer's convention: the
    /// number of insertions.
    public var errorRate: Double {
        referenceUnits == 0 ? Double(counts.insertions) : Double(counts.errors) / Double(counts.hits + counts.substitutions + counts.deletions)
    }

    /// Match error rate, (S + D + I) / (H + S + D + I); 0 or 1 with no reference units.
    public var matchErrorRate: Double {
        if referenceUnits == 0 { return hypothesisUnits == 0 ? 0 : 1 }
        return Double(counts.errors) / Double(counts.hits + counts.errors)
    }

    /// Word information preserved, (H / reference units) × (H / hypothesis units).
    public var informationPreserved: Double {
        if referenceUnits == 0 { return hypothesisUnits == 0 ? 1 : 0 }
        guard hypothesisUnits > 0 else { return 0 }
        return (Double(counts.hits) / Double(referenceUnits)) * (Double(counts.hits) / Double(hypothesisUnits))
    }

    /// Rates of two parts of a corpus together.
    public static func + (a: ErrorRates, b: ErrorRates) -> ErrorRates {
        ErrorRates(counts: a.counts + b.counts, referenceUnits: a.referenceUnits + b.referenceUnits, hypothesisUnits: a.hypothesisUnits + b.hypothesisUnits)
    }

    /// Word information lost, 1 − WIP.
    public var informationLost: Double { 1 - informationPreserved }

    /// Words: jiwer's `process_words` with its default transform. Words are compared as
    /// exact code point sequences.
    public static func words<R: Collection<String>, H: Collection<String>>(references: R, hypotheses: H) -> ErrorRates {
        var ids = WordIDs()
        func encode(_ line: String) -> [UInt32] {
            let scalars = line.unicodeScalars.map(\.value)
            return TextUnits.jiwerWordRanges(scalars).map { ids.id(scalars[$0]) }
        }
        return corpus(references.map(encode), hypotheses.map(encode))
    }

    /// Characters: jiwer's `process_characters` with its default transform (strip, then
    /// every code point, spaces included).
    public static func characters<R: Collection<String>, H: Collection<String>>(references: R, hypotheses: H) -> ErrorRates {
        corpus(references.map(TextUnits.jiwerCharacters), hypotheses.map(TextUnits.jiwerCharacters))
    }

    static func corpus<T: Equatable>(_ refs: [[T]], _ hyps: [[T]]) -> ErrorRates {
        var total = ErrorRates(counts: EditCounts(), referenceUnits: 0, hypothesisUnits: 0)
        for (r, h) in zip(refs, hyps) {
            total.counts = total.counts + EditAlignment.counts(reference: r, hypothesis: h)
            total.referenceUnits += r.count
            total.hypothesisUnits += h.count
        }
        return total
    }
}

/// A word as its exact code points, hashed once (FNV-1a) rather than element by element.
struct WordKey: Hashable {
    let scalars: ArraySlice<UInt32>
    let fingerprint: UInt64

    init(_ scalars: ArraySlice<UInt32>) {
        self.scalars = scalars
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in scalars { h = (h ^ UInt64(v)) &* 0x100_0000_01b3 }
        fingerprint = h
    }

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
    static func == (a: WordKey, b: WordKey) -> Bool { a.fingerprint == b.fingerprint && a.scalars == b.scalars }
}
