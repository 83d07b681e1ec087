/// Splitting text into the units the reference tools compare: Unicode code points, never
/// grapheme clusters or canonically equivalent strings (Swift's `String` equality), because
/// jiwer and sacrebleu compare code points.
public enum TextUnits {
    /// Python's `str.isspace()`: what `re`'s `\s` and `str.strip()` treat as white space.
    public static func isPythonSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The code points of a line with leading and trailing white space removed (`str.strip()`).
    public static func stripped(_ line: String) -> ArraySlice<UInt32> {
        var s = ArraySlice(line.unicodeScalars.map(\.value))
        while let first = s.first, isPythonSpace(first) { s = s.dropFirst() }
        while let last = s.last, isPythonSpace(last) { s = s.dropLast() }
        return s
    }

    /// jiwer's default word units: runs of two or more white space characters become one
    /// space, the ends are stripped, and the line is split on the space character (so a lone
    /// tab between two letters stays inside the word, as it does in jiwer).
    public static func jiwerWords(_ line: String) -> [[UInt32]] {
        let scalars = line.unicodeScalars.map(\.value)
        return jiwerWordRanges(scalars).map { Array(scalars[$0]) }
    }

    /// Where the words of ``jiwerWords(_:)`` are in a line's code points, without copying them:
    /// a code point belongs to a word unless it is white space, except a lone white space
    /// character other than U+0020 with a non-space on each side.
    public static func jiwerWordRanges(_ s: [UInt32]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start: Int?
        let n = s.count
        for k in 0..<n {
            let v = s[k]
            var inWord = !isPythonSpace(v)
            if !inWord && v != 0x20 && k > 0 && k + 1 < n && !isPythonSpace(s[k - 1]) && !isPythonSpace(s[k + 1]) { inWord = true }
            if inWord {
                if start == nil { start = k }
            } else if let b = start {
                out.append(b..<k)
                start = nil
            }
        }
        if let b = start { out.append(b..<n) }
        return out
    }

    /// jiwer's default character units: the stripped line's code points.
    public static func jiwerCharacters(_ line: String) -> [UInt32] { Array(stripped(line)) }
}
