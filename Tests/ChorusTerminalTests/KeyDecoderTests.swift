import ChorusTerminal
import Testing

@Suite struct KeyDecoderTests {
    func decode(_ s: String) -> [KeyEvent] {
        var d = KeyDecoder()
        return d.feed(Array(s.utf8)) + d.flush()
    }

    @Test func xtermSequencesWithModifiers() {
        #expect(decode("\u{1B}[1;5D") == [.key(Key(.left, ctrl: true))])
        #expect(decode("\u{1B}[1;5A") == [.key(Key(.up, ctrl: true))])
        #expect(decode("\u{1B}[1;3C") == [.key(Key(.right, alt: true))])
        #expect(decode("\u{1B}[A\u{1B}OB") == [.key(Key(.up)), .key(Key(.down))])
        #expect(decode("\u{1B}[H\u{1B}[4~\u{1B}[3~") == [.key(Key(.home)), .key(Key(.end)), .key(Key(.delete))])
        #expect(decode("\u{1B}OP\u{1B}[21~") == [.key(Key(.function(1))), .key(Key(.function(10)))])
        #expect(decode("\u{1B}[3;5~") == [.key(Key(.delete, ctrl: true))])
    }

    @Test func controlAndAltKeys() {
        #expect(decode("\u{13}") == [.key(.ctrl("s"))])
        #expect(decode("\u{0}") == [.key(.ctrl(" "))])
        #expect(decode("\t\r\u{7F}") == [.key(Key(.tab)), .key(Key(.enter)), .key(Key(.backspace))])
        #expect(decode("\u{1B}2") == [.key(.alt("2"))])
        #expect(decode("\u{1B}\u{7F}") == [.key(Key(.backspace, alt: true))])
        #expect(decode("\u{1B}") == [.key(Key(.escape))])
    }

    @Test func textArrivesWholeEvenWhenSplitMidCharacter() {
        var d = KeyDecoder()
        let bytes = Array("ŋombe 東京".utf8)
        var events: [KeyEvent] = []
        for b in bytes { events += d.feed([b]) }
        #expect(events.map { if case .text(let t) = $0 { t } else { "?" } }.joined() == "ŋombe 東京")
        // An escape sequence split across reads.
        #expect(d.feed([0x1B, 0x5B, 0x31]).isEmpty)
        #expect(d.feed(Array(";5C".utf8)) == [.key(Key(.right, ctrl: true))])
    }

    @Test func bracketedPasteIsText() {
        #expect(decode("\u{1B}[200~habari\nya\u{1B}[201~x") == [.text("habari\nya"), .text("x")])
    }
}

@Suite struct KeyMapTests {
    @Test func defaultsAreOTranscribeLike() throws {
        let map = try KeyMap()
        #expect(map.action(for: Key(.tab)) == .replay)
        #expect(map.action(for: .ctrl(" ")) == .replay)
        #expect(map.action(for: .ctrl("p")) == .pause)
        #expect(map.action(for: Key(.left, ctrl: true)) == .rewind)
        #expect(map.action(for: Key(.up, ctrl: true)) == .faster)
        #expect(map.action(for: .ctrl("s")) == .skip)
        #expect(map.action(for: .ctrl("q")) == .quit)
        #expect(map.name(of: .replay) == "Tab")
    }

    @Test func overridesTakeTheirKeysFromTheDefaults() throws {
        let map = try KeyMap(overrides: ["pause": ["tab"], "replay": ["f5", "ctrl-r"]])
        #expect(map.action(for: Key(.tab)) == .pause)
        #expect(map.action(for: Key(.function(5))) == .replay)
        #expect(map.action(for: .ctrl(" ")) == nil)
    }

    @Test func badSettingsAreNamed() {
        #expect(throws: TerminalError.self) { try KeyMap(overrides: ["rewnd": ["f1"]]) }
        #expect((try? KeyMap(overrides: ["rewind": ["ctrl-banana"]])) == nil)
        do {
            _ = try KeyMap(overrides: ["rewind": ["f9"], "forward": ["f9"]])
            Issue.record("a key given twice was accepted")
        } catch {
            #expect("\(error)".contains("F9 is given to both"))
        }
    }

    @Test(arguments: ["ctrl-space", "tab", "alt-left", "f2", "ctrl-p", "shift-tab", "ctrl-delete"])
    func namesRoundTrip(name: String) throws {
        let key = try #require(Key(name: name))
        let shown = key.description.replacingOccurrences(of: "←", with: "left")
        #expect(Key(name: shown) == key)
    }
}
