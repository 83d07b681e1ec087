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

    /// Types `text` at the cursor. A combining mark joins the letter before it.
    public mutating func insert(_ text: String) {
        guard !text.isEmpty else { return }
        record(text.allSatisfy { !$0.isWhitespace } ? .typing : .other)
        let before = String(characters[..<cursor]) + text
        characters = Array(before + String(characters[cursor...]))
        cursor = min(characters.count, before.count)
    }

    /// Replaces the whole text (picking a version in review, a machine draft arriving); undoable.
    public mutating func replace(with text: String) {
        record(.other)
        characters = Array(text)
        cursor = characters.count
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        record(.deleting)
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
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
        redoStack = []
    }

    // MARK: Moving

    public mutating func moveLeft() { cursor = max(0, cursor - 1); lastEdit = nil }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1); lastEdit = nil }
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

    private func wordStart(before i: Int) -> Int {
        var j = i
        while j > 0 && !isWordCharacter(characters[j - 1]) { j -= 1 }
        while j > 0 && isWordCharacter(characters[j - 1]) { j -= 1 }
        return j
    }

    private func wordEnd(after i: Int) -> Int {
        var j = i
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
