/// Terminal columns taken by text: East Asian wide and fullwidth characters and emoji take
/// two, combining marks and format characters none, everything else one. Measured per
/// grapheme cluster (Swift's `Character`), so a letter with its accents is one cell.
extension Character {
    public var terminalWidth: Int {
        var width = 0
        for (i, scalar) in unicodeScalars.enumerated() {
            let w = Self.width(of: scalar)
            if i == 0 { width = w } else if w == 2 { width = 2 }
        }
        // A variation selector 16 asks for emoji presentation: two cells.
        if unicodeScalars.contains(where: { $0.value == 0xFE0F }) { width = 2 }
        return width
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v >= 0x1160 && v <= 0x11FF { return 0 }  // Hangul medial vowels and final consonants join the syllable
        if scalar.properties.isEmojiPresentation { return 2 }
        for range in wide where range.contains(v) { return 2 }
        return 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks, from Unicode's EastAsianWidth.txt.
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

extension StringProtocol {
    /// Columns this text takes on a terminal.
    public var terminalWidth: Int { reduce(0) { $0 + $1.terminalWidth } }

    /// The longest prefix that fits in `columns`, with "…" when something was cut.
    public func fitted(to columns: Int) -> String {
        guard terminalWidth > columns else { return String(self) }
        guard columns > 0 else { return "" }
        var out = "", used = 0
        for c in self {
            let w = c.terminalWidth
            if used + w > columns - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// The text padded with spaces to exactly `columns` (cut with "…" when longer).
    public func padded(to columns: Int) -> String {
        let f = fitted(to: columns)
        return f + String(repeating: " ", count: Swift.max(0, columns - f.terminalWidth))
    }
}
