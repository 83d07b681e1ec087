/// Percentiles of a sliding window of dB values, in O(1) amortised time per update.
///
/// Values are binned at ``resolution`` dB into a histogram; each tracked percentile keeps a
/// cursor bin and the count of values below it, and moves a few bins per update. Memory is
/// fixed by the dB range, not by the window length.
struct RollingPercentiles {
    static let lowest: Float = -140
    static let highest: Float = 20
    static let resolution: Float = 0.25
    static let bins = Int((highest - lowest) / resolution) + 1

    private var histogram: [Int32]
    private(set) var count = 0
    private var cursors: [Cursor]

    private struct Cursor {
        let quantile: Double
        var bin = 0
        var below = 0
    }

    /// - Parameter quantiles: the fractions (0 to 1) to track, for example `[0.1, 0.95]`.
    init(quantiles: [Double]) {
        histogram = [Int32](repeating: 0, count: Self.bins)
        cursors = quantiles.map { Cursor(quantile: $0) }
    }

    static func bin(of value: Float) -> Int {
        let b = Int(((value - lowest) / resolution).rounded(.down))
        return min(max(b, 0), bins - 1)
    }

    static func value(ofBin bin: Int) -> Float { lowest + (Float(bin) + 0.5) * resolution }

    mutating func insert(_ value: Float) {
        let b = Self.bin(of: value)
        histogram[b] += 1
        count += 1
        for i in cursors.indices where b < cursors[i].bin { cursors[i].below += 1 }
    }

    mutating func remove(_ value: Float) {
        let b = Self.bin(of: value)
        precondition(histogram[b] > 0, "removed a value that was never inserted")
        histogram[b] -= 1
        count -= 1
        for i in cursors.indices where b < cursors[i].bin { cursors[i].below -= 1 }
    }

    /// The value at tracked quantile `index` (in the order given to `init`), as a bin centre.
    mutating func value(at index: Int) -> Float {
        guard count > 0 else { return Self.lowest }
        var c = cursors[index]
        // The rank (0-based) of the wanted value among the sorted window.
        let rank = min(count - 1, max(0, Int((c.quantile * Double(count - 1)).rounded())))
        while c.below > rank {
            c.bin -= 1
            c.below -= Int(histogram[c.bin])
        }
        while c.below + Int(histogram[c.bin]) <= rank {
            c.below += Int(histogram[c.bin])
            c.bin += 1
        }
        cursors[index] = c
        return Self.value(ofBin: c.bin)
    }
}
