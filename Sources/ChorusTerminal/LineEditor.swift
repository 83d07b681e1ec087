/// The text being typed: one logical line of grapheme clusters (accents stay on their letter),
/// a cursor, word-wise movement and deletion, and undo. Pure; the screen draws ``layout(width:)``.
///
/// Text is kept and shown in logical (typing) order; a terminal with bidirectional support
/// displays right-to-left runs itself.
public struct LineEditor: Sendable, Equatable {
    public private(set) var characters: [Character] = []
    /// Index into ``characters``: the cursor sits before this character.
    public private(set) var cursor = 0
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []
    private var lastEdit: EditKind?
    /// The last text typed ended with a space: the next letter starts a new undo step, so
    /// undo takes back a word with the space after it.
    private var afterSpace = false

    struct Snapshot: Sendable, Equatable {
        var characters: [Character]
        var cursor: Int
    }

    enum EditKind: Equatable { case typing, deleting, other }

    public init(text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// The text of one row of a ``Layout``.
    public func text(of range: Range<Int>) -> String { String(characters[range]) }
    public var isEmpty: Bool { characters.isEmpty }

    // MARK: Editing

    /// Types `text` at the cursor. A combining mark joins the letter before it. A space typed
    /// just after the space that follows a tag is dropped (no double space after a tag).
    public mutating func insert(_ text: String) {
        var text = Substring(text)
        if text.first == " ", cursor >= 2, characters[cursor - 1] == " ", tagRange(endingAt: cursor - 1) != nil {
            text = text.drop { $0 == " " }
        }
        guard let first = text.first, let last = text.last else { return }
        let newWord = !first.isWhitespace && afterSpace
        if newWord { lastEdit = nil }
        record(.typing)
        afterSpace = last.isWhitespace
        let before = String(characters[..<cursor]) + text
        characters = Array(before + String(characters[cursor...]))
        cursor = min(characters.count, before.count)
    }

    /// Inserts a non-speech tag as one unit (one undo step), with a space before it unless
    /// one is there, and one after it unless one follows.
    public mutating func insertTag(_ tag: String) {
        record(.other)
        let space = cursor > 0 && !characters[cursor - 1].isWhitespace ? " " : ""
        let after = cursor < characters.count && characters[cursor].isWhitespace ? "" : " "
        let inserted = Array(space + tag + after)
        characters.insert(contentsOf: inserted, at: cursor)
        cursor += inserted.count
        afterSpace = !after.isEmpty
        lastEdit = .other
    }

    /// The tag (`[noise]`: brackets around text without spaces) that ends just before `i`.
    func tagRange(endingAt i: Int) -> Range<Int>? {
        guard i > 0, i <= characters.count, characters[i - 1] == "]" else { return nil }
        var j = i - 1
        while j > 0 {
            j -= 1
            let c = characters[j]
            if c == "[" { return j + 1 < i - 1 ? j..<i : nil }
            if c.isWhitespace || c == "]" { return nil }
        }
        return nil
    }

    /// The tag that starts at `i`.
    func tagRange(startingAt i: Int) -> Range<Int>? {
        guard i >= 0, i < characters.count, characters[i] == "[" else { return nil }
        var j = i + 1
        while j < characters.count {
            let c = characters[j]
            if c == "]" { return j > i + 1 ? i..<(j + 1) : nil }
            if c.isWhitespace || c == "[" { return nil }
            j += 1
        }
        return nil
    }

    /// Replaces the whole text (picking a version in review, a machine draft arriving); undoable.
    public mutating func replace(with text: String) {
        record(.other)
        characters = Array(text)
        cursor = characters.count
    }

    /// Deletes the character before the cursor, or the whole tag that ends there.
    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        if let tag = tagRange(endingAt: cursor) {
            record(.other)
            characters.removeSubrange(tag)
            cursor = tag.lowerBound
            return
        }
        record(.deleting)
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    /// Deletes the character after the cursor, or the whole tag that starts there.
    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        if let tag = tagRange(startingAt: cursor) {
            record(.other)
            characters.removeSubrange(tag)
            return
        }
        record(.deleting)
        characters.remove(at: cursor)
    }

    /// Deletes back to the start of the word before the cursor (Ctrl-W, Alt-Backspace).
    public mutating func deleteWordBackward() {
        let to = wordStart(before: cursor)
        guard to < cursor else { return }
        record(.other)
        characters.removeSubrange(to..<cursor)
        cursor = to
    }

    /// Deletes to the end of the word after the cursor (Alt-D, Ctrl-Delete).
    public mutating func deleteWordForward() {
        let to = wordEnd(after: cursor)
        guard to > cursor else { return }
        record(.other)
        characters.removeSubrange(cursor..<to)
    }

    /// Deletes from the cursor to the end (Ctrl-K).
    public mutating func deleteToEnd() {
        guard cursor < characters.count else { return }
        record(.other)
        characters.removeSubrange(cursor...)
    }

    /// Deletes from the start to the cursor (Ctrl-U).
    public mutating func deleteToStart() {
        guard cursor > 0 else { return }
        record(.other)
        characters.removeSubrange(..<cursor)
        cursor = 0
    }

    /// Takes back the last edit: a run of typing within one word, one deletion run, or one command.
    public mutating func undo() {
        guard let last = undoStack.popLast() else { return }
        redoStack.append(Snapshot(characters: characters, cursor: cursor))
        characters = last.characters
        cursor = last.cursor
        lastEdit = nil
    }

    public mutating func redo() {
        guard let next = redoStack.popLast() else { return }
        undoStack.append(Snapshot(characters: characters, cursor: cursor))
        characters = next.characters
        cursor = next.cursor
        lastEdit = nil
    }

    private mutating func record(_ kind: EditKind) {
        if kind == .other || kind != lastEdit {
            undoStack.append(Snapshot(characters: characters, cursor: cursor))
            if undoStack.count > 500 { undoStack.removeFirst() }
        }
        lastEdit = kind
        if kind != .typing { afterSpace = false }
        redoStack = []
    }

    // MARK: Moving

    /// Moves one character, or over a whole tag.
    public mutating func moveLeft() { cursor = tagRange(endingAt: cursor)?.lowerBound ?? max(0, cursor - 1); lastEdit = nil }
    public mutating func moveRight() { cursor = tagRange(startingAt: cursor)?.upperBound ?? min(characters.count, cursor + 1); lastEdit = nil }
    public mutating func moveWordLeft() { cursor = wordStart(before: cursor); lastEdit = nil }
    public mutating func moveWordRight() { cursor = wordEnd(after: cursor); lastEdit = nil }
    public mutating func moveHome() { cursor = 0; lastEdit = nil }
    public mutating func moveEnd() { cursor = characters.count; lastEdit = nil }

    /// Moves up or down `rows` wrapped rows at `width`, keeping the column where it can.
    public mutating func moveRows(_ rows: Int, width: Int) {
        let layout = layout(width: width)
        let target = layout.cursorRow + rows
        guard target >= 0, target < layout.rows.count else { return }
        let row = layout.rows[target]
        var column = 0, index = row.lowerBound
        while index < row.upperBound {
            let w = characters[index].terminalWidth
            if column + w > layout.cursorColumn { break }
            column += w
            index += 1
        }
        cursor = index
        lastEdit = nil
    }

    private func isWordCharacter(_ c: Character) -> Bool { !c.isWhitespace && !c.isPunctuation }

    /// Where the word (or tag) before `i` starts, past any spaces.
    private func wordStart(before i: Int) -> Int {
        var j = i
        while j > 0 && characters[j - 1].isWhitespace { j -= 1 }
        if let tag = tagRange(endingAt: j) { return tag.lowerBound }
        while j > 0 && !isWordCharacter(characters[j - 1]) { j -= 1 }
        while j > 0 && isWordCharacter(characters[j - 1]) { j -= 1 }
        return j
    }

    private func wordEnd(after i: Int) -> Int {
        var j = i
        while j < characters.count && characters[j].isWhitespace { j += 1 }
        if let tag = tagRange(startingAt: j) { return tag.upperBound }
        while j < characters.count && !isWordCharacter(characters[j]) { j += 1 }
        while j < characters.count && isWordCharacter(characters[j]) { j += 1 }
        return j
    }

    // MARK: Layout

    /// The text wrapped to `width` columns, breaking after spaces where it can.
    public struct Layout: Equatable, Sendable {
        /// Character ranges of each row.
        public var rows: [Range<Int>]
        public var cursorRow: Int
        /// Terminal columns before the cursor on its row.
        public var cursorColumn: Int
    }

    public func layout(width: Int) -> Layout {
        let width = max(2, width)
        var rows: [Range<Int>] = []
        var start = 0, used = 0, lastSpace: Int?
        var i = 0
        while i < characters.count {
            let w = characters[i].terminalWidth
            if used + w > width && i > start {
                let cut = lastSpace.map { $0 + 1 } ?? i
                rows.append(start..<cut)
                start = cut
                used = characters[start..<i].terminalWidth
                lastSpace = nil
                continue
            }
            if characters[i].isWhitespace { lastSpace = i }
            used += w
            i += 1
        }
        rows.append(start..<characters.count)
        var row = rows.count - 1
        for (r, range) in rows.enumerated() where cursor < range.upperBound || (cursor == range.upperBound && r == rows.count - 1) {
            if cursor >= range.lowerBound { row = r; break }
        }
        var column = characters[rows[row].lowerBound..<cursor].terminalWidth
        if column >= width {  // the cursor after a full last row starts a new one
            rows.append(characters.count..<characters.count)
            row += 1
            column = 0
        }
        return Layout(rows: rows, cursorRow: row, cursorColumn: column)
    }
}

extension ArraySlice where Element == Character {
    var terminalWidth: Int { reduce(0) { $0 + $1.terminalWidth } }
}
