/// One key press as the terminal reports it, with its modifiers.
public struct Key: Hashable, Sendable, CustomStringConvertible {
    public enum Base: Hashable, Sendable {
        case character(Character)
        case enter, tab, backspace, delete, escape, up, down, left, right, home, end, pageUp, pageDown, insert
        case function(Int)
    }

    public var base: Base
    public var ctrl = false
    public var alt = false
    public var shift = false

    public init(_ base: Base, ctrl: Bool = false, alt: Bool = false, shift: Bool = false) {
        self.base = base
        self.ctrl = ctrl
        self.alt = alt
        self.shift = shift
    }

    public static func ctrl(_ c: Character) -> Key { Key(.character(c), ctrl: true) }
    public static func alt(_ c: Character) -> Key { Key(.character(c), alt: true) }

    static let names: [(String, Base)] = [
        ("enter", .enter), ("tab", .tab), ("backspace", .backspace), ("delete", .delete), ("escape", .escape),
        ("up", .up), ("down", .down), ("left", .left), ("right", .right), ("home", .home), ("end", .end),
        ("pageup", .pageUp), ("pagedown", .pageDown), ("insert", .insert), ("space", .character(" ")),
    ]

    /// Parses a key name as written in chorus.yaml: `tab`, `ctrl-space`, `ctrl-p`, `alt-left`,
    /// `f2`, `shift-tab`. Nil when it is not a key.
    public init?(name: String) {
        var parts = name.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if name.hasSuffix("--") { parts = Array(parts.dropLast(2)) + ["-"] }
        guard let last = parts.popLast(), !last.isEmpty else { return nil }
        var key: Key
        if let named = Self.names.first(where: { $0.0 == last }) {
            key = Key(named.1)
        } else if last.hasPrefix("f"), let n = Int(last.dropFirst()), (1...12).contains(n) {
            key = Key(.function(n))
        } else if last.count == 1, let c = last.first {
            key = Key(.character(c))
        } else {
            return nil
        }
        for modifier in parts {
            switch modifier {
            case "ctrl", "c": key.ctrl = true
            case "alt", "meta", "m": key.alt = true
            case "shift", "s": key.shift = true
            default: return nil
            }
        }
        self = key
    }

    /// The name ``init(name:)`` reads, as shown on the help line: `Ctrl-Space`, `Tab`, `F2`.
    public var description: String {
        var out = ""
        if ctrl { out += "Ctrl-" }
        if alt { out += "Alt-" }
        if shift { out += "Shift-" }
        switch base {
        case .character(" "): out += "Space"
        case .character(let c): out += (ctrl || alt) ? String(c).uppercased() : String(c)
        case .function(let n): out += "F\(n)"
        case .left: out += "←"
        case .right: out += "→"
        case .up: out += "↑"
        case .down: out += "↓"
        default:
            let name = Self.names.first { $0.1 == base }?.0 ?? "?"
            out += name == "pageup" ? "PgUp" : name == "pagedown" ? "PgDn" : name.prefix(1).uppercased() + name.dropFirst()
        }
        return out
    }
}

/// What the keyboard sent: a key, or text (typed or pasted).
public enum KeyEvent: Equatable, Sendable {
    case key(Key)
    case text(String)
}

/// Turns the bytes a terminal sends into key events: UTF-8 text, control characters, and
/// xterm-style escape sequences (CSI and SS3, with modifier parameters, and bracketed paste).
/// Incomplete sequences wait for more bytes; a lone Escape is reported by ``flush()``.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasting: [UInt8]?

    public init() {}

    /// True when bytes are waiting that may still become a longer sequence (a lone Escape).
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes what is complete in `bytes` (and anything held from before).
    public mutating func feed(_ bytes: [UInt8]) -> [KeyEvent] {
        pending += bytes
        var events: [KeyEvent] = []
        var text = ""
        func flushText() {
            if !text.isEmpty { events.append(.text(text)); text = "" }
        }
        var i = 0
        while i < pending.count {
            if var paste = pasting {
                // Bracketed paste: everything up to ESC [ 2 0 1 ~ is text.
                let end: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]
                if let at = Self.find(end, in: pending, from: i) {
                    paste += pending[i..<at]
                    events.append(.text(String(decoding: paste, as: UTF8.self)))
                    pasting = nil
                    i = at + end.count
                    continue
                }
                paste += pending[i...]
                pasting = paste
                i = pending.count
                break
            }
            let b = pending[i]
            if b == 0x1B {
                guard let (event, length) = escape(at: i) else { break }  // incomplete: wait
                flushText()
                if let event { events.append(event) }
                i += length
                continue
            }
            if b < 0x20 || b == 0x7F {
                flushText()
                events.append(.key(Self.control(b)))
                i += 1
                continue
            }
            // UTF-8: take a whole scalar or wait for the rest of it.
            let need = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            guard i + need <= pending.count else { break }
            text += String(decoding: pending[i..<(i + need)], as: UTF8.self)
            i += need
        }
        flushText()
        pending.removeFirst(i)
        return events
    }

    /// Reports held bytes as they are: a lone Escape after a pause is the Escape key.
    public mutating func flush() -> [KeyEvent] {
        defer { pending = [] }
        if pending == [0x1B] { return [.key(Key(.escape))] }
        return pending.isEmpty ? [] : [.text(String(decoding: pending, as: UTF8.self))]
    }

    static func control(_ b: UInt8) -> Key {
        switch b {
        case 0x0D, 0x0A: return Key(.enter)
        case 0x09: return Key(.tab)
        case 0x7F: return Key(.backspace)
        case 0x08: return Key(.backspace, ctrl: true)  // Ctrl-Backspace on most terminals (Ctrl-H)
        case 0x00: return .ctrl(" ")
        case 0x1C...0x1F: return .ctrl(Character(Unicode.Scalar(b + 0x40)))
        default: return .ctrl(Character(Unicode.Scalar(b + 0x60)))
        }
    }

    /// The event and the byte count of the escape sequence at `i`; nil when incomplete; a nil
    /// event for a sequence that means nothing here (it is dropped whole).
    private mutating func escape(at i: Int) -> (KeyEvent?, Int)? {
        guard i + 1 < pending.count else { return nil }
        let next = pending[i + 1]
        if next == 0x5B || next == 0x4F {  // CSI "[" or SS3 "O"
            var j = i + 2
            while j < pending.count, !(0x40...0x7E).contains(pending[j]) { j += 1 }
            guard j < pending.count else { return nil }
            let params = String(decoding: pending[(i + 2)..<j], as: UTF8.self)
            let final = Character(Unicode.Scalar(pending[j]))
            let length = j - i + 1
            if next == 0x5B && final == "~" && params == "200" {
                pasting = []
                return (nil, length)
            }
            return (Self.csi(params: params, final: final).map(KeyEvent.key), length)
        }
        // Alt plus a key: ESC then the key.
        if next == 0x7F { return (.key(Key(.backspace, alt: true)), 2) }
        if next == 0x0D { return (.key(Key(.enter, alt: true)), 2) }
        if next < 0x20 { return (.key(Key(.escape)), 1) }
        let need = next < 0x80 ? 1 : next < 0xE0 ? 2 : next < 0xF0 ? 3 : 4
        guard i + 1 + need <= pending.count else { return nil }
        let scalar = String(decoding: pending[(i + 1)..<(i + 1 + need)], as: UTF8.self)
        return (scalar.first.map { .key(.alt(Character($0.lowercased()))) }, 1 + need)
    }

    static func csi(params: String, final: Character) -> Key? {
        let fields = params.split(separator: ";").map { Int($0) ?? 1 }
        let modifier = fields.count > 1 ? fields[1] - 1 : 0
        var base: Key.Base
        switch final {
        case "A": base = .up
        case "B": base = .down
        case "C": base = .right
        case "D": base = .left
        case "H": base = .home
        case "F": base = .end
        case "P": base = .function(1)
        case "Q": base = .function(2)
        case "R": base = .function(3)
        case "S": base = .function(4)
        case "Z": return Key(.tab, shift: true)
        case "~":
            switch fields.first ?? 0 {
            case 1, 7: base = .home
            case 2: base = .insert
            case 3: base = .delete
            case 4, 8: base = .end
            case 5: base = .pageUp
            case 6: base = .pageDown
            case 11...15: base = .function((fields.first ?? 11) - 10)
            case 17...21: base = .function((fields.first ?? 17) - 11)
            case 23, 24: base = .function((fields.first ?? 23) - 12)
            default: return nil
            }
        default: return nil
        }
        return Key(base, ctrl: modifier & 4 != 0, alt: modifier & 2 != 0, shift: modifier & 1 != 0)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
