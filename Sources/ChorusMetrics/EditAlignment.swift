/// Counts of a minimal edit script between a reference and a hypothesis sequence.
public struct EditCounts: Sendable, Equatable {
    public var hits = 0
    public var substitutions = 0
    public var deletions = 0
    public var insertions = 0

    public init(hits: Int = 0, substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0) {
        self.hits = hits
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
    }

    public static func + (a: EditCounts, b: EditCounts) -> EditCounts {
        EditCounts(hits: a.hits + b.hits, substitutions: a.substitutions + b.substitutions,
                   deletions: a.deletions + b.deletions, insertions: a.insertions + b.insertions)
    }

    /// Edits: substitutions, deletions and insertions.
    public var errors: Int { substitutions + deletions + insertions }
}

/// Levenshtein alignment with the same choice among equally short edit scripts as RapidFuzz's
/// `Levenshtein.editops`/`opcodes` (which jiwer uses), so hits, and with them MER and WIL,
/// come out exactly as the reference tools give them. Several scripts of minimal cost can
/// differ in their mix of substitutions, deletions and insertions; RapidFuzz strips the
/// common prefix and suffix, backtracks from the end preferring a deletion, then an
/// insertion, then the diagonal, and splits large problems Hirschberg-style at the first
/// best middle.
public enum EditAlignment {
    /// Problems at least this large (RapidFuzz's measure: band × hypothesis length / 4) are
    /// split in two before aligning.
    static let hirschbergCells = 1024 * 1024

    /// Code points or word ids: concrete entry points, so callers in other modules get the
    /// specialised code rather than the generic one.
    public static func counts(reference: [UInt32], hypothesis: [UInt32]) -> EditCounts { generic(reference, hypothesis) }
    public static func counts(reference: [Int32], hypothesis: [Int32]) -> EditCounts { generic(reference, hypothesis) }

    public static func counts<T: Equatable>(reference: [T], hypothesis: [T]) -> EditCounts { generic(reference, hypothesis) }

    static func generic<T: Equatable>(_ reference: [T], _ hypothesis: [T]) -> EditCounts {
        var out = EditCounts()
        reference.withUnsafeBufferPointer { a in
            hypothesis.withUnsafeBufferPointer { b in
                align(a[...], b[...], max: Int.max, into: &out)
            }
        }
        return out
    }

    private static func align<T: Equatable>(_ s1: Slice<UnsafeBufferPointer<T>>, _ s2: Slice<UnsafeBufferPointer<T>>, max limit: Int, into out: inout EditCounts) {
        // The common prefix and suffix are matches.
        var a = s1, b = s2
        while let x = a.first, let y = b.first, x == y { out.hits += 1; a = a.dropFirst(); b = b.dropFirst() }
        while let x = a.last, let y = b.last, x == y { out.hits += 1; a = a.dropLast(); b = b.dropLast() }
        let n1 = a.count, n2 = b.count
        if n1 == 0 || n2 == 0 {
            out.deletions += n1
            out.insertions += n2
            return
        }
        let bound = Swift.min(limit, Swift.max(n1, n2))
        let band = Swift.min(n1, 2 * bound + 1)
        if 2 * band * n2 / 8 < hirschbergCells || n1 < 65 || n2 < 10 {
            backtrack(a, b, into: &out)
            return
        }
        // Hirschberg: split the hypothesis in half and the reference where the two halves'
        // costs add up to the least, the first such place.
        let left = n2 / 2
        let forward = lastRow(a, b.prefix(left), reversed: false)
        let backward = lastRow(a, b.suffix(n2 - left), reversed: true)
        var best = Int.max, mid = 1, leftScore = 0, rightScore = 0
        for i in 0..<n1 {
            let l = forward[i + 1], r = backward[n1 - i - 1]
            if l + r < best {
                best = l + r
                mid = i + 1
                leftScore = l
                rightScore = r
            }
        }
        let aStart = a.startIndex, bStart = b.startIndex
        align(a[aStart..<(aStart + mid)], b[bStart..<(bStart + left)], max: leftScore, into: &out)
        align(a[(aStart + mid)...], b[(bStart + left)...], max: rightScore, into: &out)
    }

    /// Edit distances between `a[..<i]` (or `a`'s last `i` elements, reversed) and all of `b`, for every `i`.
    private static func lastRow<T: Equatable>(_ a: Slice<UnsafeBufferPointer<T>>, _ b: Slice<UnsafeBufferPointer<T>>, reversed: Bool) -> [Int] {
        let n1 = a.count
        var column = Array(0...n1)  // D[i][0]
        let aa = reversed ? Array(a.reversed()) : Array(a)
        let bb = reversed ? Array(b.reversed()) : Array(b)
        for (j, y) in bb.enumerated() {
            var diagonal = column[0]
            column[0] = j + 1
            for i in 1...n1 {
                let up = column[i]
                column[i] = Swift.min(up + 1, column[i - 1] + 1, diagonal + (aa[i - 1] == y ? 0 : 1))
                diagonal = up
            }
        }
        return column
    }

    /// The full table and RapidFuzz's backtrack (`recover_alignment`): from the end, a
    /// deletion when the cell above costs one less, else step back in the hypothesis and
    /// take an insertion when the cell there costs one more than the one above it, else the
    /// diagonal (a match or a substitution).
    private static func backtrack<T: Equatable>(_ a: Slice<UnsafeBufferPointer<T>>, _ b: Slice<UnsafeBufferPointer<T>>, into out: inout EditCounts) {
        let n1 = a.count, n2 = b.count
        let width = n1 + 1
        var d = [Int32](repeating: 0, count: width * (n2 + 1))
        for i in 0...n1 { d[i] = Int32(i) }
        let a0 = a.startIndex, b0 = b.startIndex
        for j in 1...n2 {
            let y = b[b0 + j - 1]
            let row = j * width, previous = (j - 1) * width
            d[row] = Int32(j)
            for i in 1...n1 {
                let cost: Int32 = a[a0 + i - 1] == y ? 0 : 1
                d[row + i] = Swift.min(d[previous + i] + 1, d[row + i - 1] + 1, d[previous + i - 1] + cost)
            }
        }
        var i = n1, j = n2
        while i > 0 && j > 0 {
            if d[j * width + i] - d[j * width + i - 1] == 1 {
                out.deletions += 1
                i -= 1
            } else {
                j -= 1
                if j > 0 && d[j * width + i] - d[j * width + i - 1] == -1 {
                    out.insertions += 1
                } else {
                    i -= 1
                    if a[a0 + i] == b[b0 + j] { out.hits += 1 } else { out.substitutions += 1 }
                }
            }
        }
        out.deletions += i
        out.insertions += j
    }
}
