import ChorusTerminal
import Testing

@Suite struct LineEditorTests {
    @Test func aCombiningMarkJoinsTheLetterBeforeIt() {
        var e = LineEditor()
        e.insert("cafe")
        e.insert("\u{301}")
        #expect(e.characters.count == 4)
        #expect(e.cursor == 4)
        #expect(e.text == "cafe\u{301}")
        e.deleteBackward()
        #expect(e.text == "caf")
    }

    @Test func movesAndDeletesByWord() {
        var e = LineEditor(text: "habari, ya asubuhi")
        e.moveWordLeft()
        #expect(e.cursor == 11)
        e.moveWordLeft()
        #expect(e.cursor == 8)
        e.moveWordLeft()
        #expect(e.cursor == 0)
        e.moveWordRight()
        #expect(e.cursor == 6)
        e.moveEnd()
        e.deleteWordBackward()
        #expect(e.text == "habari, ya ")
        e.moveHome()
        e.deleteWordForward()
        #expect(e.text == ", ya ")
        e.moveRight()
        e.deleteToEnd()
        #expect(e.text == ",")
        e.moveEnd()
        e.deleteToStart()
        #expect(e.text.isEmpty)
    }

    @Test func undoTakesBackAWordWithTheSpaceAfterIt() {
        var e = LineEditor()
        for c in "habari ya leo" { e.insert(String(c)) }
        e.undo()
        #expect(e.text == "habari ya ")
        e.undo()
        #expect(e.text == "habari ", "the word and the space after it are one step")
        e.undo()
        #expect(e.text == "")
        e.redo()
        #expect(e.text == "habari ")
        e.deleteWordBackward()
        #expect(e.text == "")
        e.undo()
        #expect(e.text == "habari ")
        #expect(e.cursor == 7)
    }

    @Test func aTagIsOneUnit() {
        var e = LineEditor(text: "habari")
        e.insertTag("[noise]")
        #expect(e.text == "habari [noise] ")
        e.insert(" ")
        #expect(e.text == "habari [noise] ", "no double space after a tag")
        e.insert("ya")
        #expect(e.text == "habari [noise] ya")
        e.undo()
        #expect(e.text == "habari [noise] ")
        e.undo()
        #expect(e.text == "habari", "the tag went in as one step and comes out as one")
        e.redo()
        e.deleteWordBackward()
        #expect(e.text == "habari ", "Ctrl-W takes the whole tag, not 'noise]'")
        e = LineEditor(text: "a [laugh] b")
        e.moveHome()
        e.moveRight(); e.moveRight()
        e.moveRight()
        #expect(e.cursor == 9, "the cursor steps over a tag")
        e.moveLeft()
        #expect(e.cursor == 2)
        e.deleteForward()
        #expect(e.text == "a  b")
        e = LineEditor(text: "a [laugh]")
        e.deleteBackward()
        #expect(e.text == "a ")
        e = LineEditor(text: "a [lau")
        e.deleteBackward()
        #expect(e.text == "a [la", "an unfinished tag is ordinary text")
        e = LineEditor(text: "one two")
        e.moveHome()
        e.moveWordRight()
        e.insertTag("[cough]")
        #expect(e.text == "one [cough] two", "no space is added where one follows")
    }

    @Test func wrapsAtSpacesAndCountsDoubleWidthCharacters() {
        let e = LineEditor(text: "mvua inanyesha sana")
        let layout = e.layout(width: 10)
        #expect(layout.rows.map { e.text(of: $0) } == ["mvua ", "inanyesha ", "sana"])
        #expect(layout.cursorRow == 2)
        #expect(layout.cursorColumn == 4)

        let wide = LineEditor(text: "東京大阪京都")
        let w = wide.layout(width: 5)
        #expect(w.rows.map { wide.text(of: $0) } == ["東京", "大阪", "京都"])
        #expect(w.cursorColumn == 4)

        // The cursor after a full last row goes to the start of a new one.
        let full = LineEditor(text: "abcde")
        let f = full.layout(width: 5)
        #expect(f.rows.count == 2)
        #expect(f.cursorRow == 1)
        #expect(f.cursorColumn == 0)
    }

    @Test func upAndDownMoveBetweenWrappedRowsKeepingTheColumn() {
        var e = LineEditor(text: "mvua inanyesha sana")
        e.moveRows(-1, width: 10)
        #expect(e.cursor == 9)  // column 4 of "inanyesha "
        e.moveRows(-1, width: 10)
        #expect(e.cursor == 4)
        e.moveRows(-1, width: 10)
        #expect(e.cursor == 4)
    }
}

@Suite struct TextWidthTests {
    @Test(arguments: [
        ("a", 1), ("e\u{301}", 1), ("東", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2), ("👍", 2), ("👩‍👩‍👧", 2), ("❤️", 2),
        ("م", 1), ("\u{200B}", 0), ("ŋ", 1),
    ])
    func columnsOfOneCharacter(text: String, columns: Int) {
        #expect(text.terminalWidth == columns)
    }

    @Test func fitsAndPadsByColumnsNotCharacters() {
        #expect("東京大阪".fitted(to: 5) == "東京…")
        #expect("abc".padded(to: 5) == "abc  ")
        #expect("東京".padded(to: 5) == "東京 ")
        #expect("mwalimu".fitted(to: 7) == "mwalimu")
    }
}
