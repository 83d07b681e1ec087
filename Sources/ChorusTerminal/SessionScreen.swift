import ChorusPlayback
import ChorusStore
import Foundation

/// What the annotation screen is showing.
public enum SessionMode: Equatable, Sendable {
    /// Typing; the audio plays.
    case working
    /// The segment carries a content warning: nothing plays until the person chooses to listen.
    case warning
    /// Choosing why to skip.
    case skipMenu
    /// Choosing a non-speech tag to insert.
    case tagMenu
    /// Every key, until any key is pressed.
    case help
    /// No task fits this person now; the queue is checked again every few seconds.
    case idle
    /// The project's pay terms, shown once before the first task.
    case terms
    /// A break is suggested after a long stretch of work, between tasks.
    case breakSuggested
    /// On a break: nothing plays, the clock is stopped.
    case onBreak
    /// Review: choosing a version to reject.
    case rejectPick
    /// Review: typing the reason for rejecting version `rejecting`.
    case rejectReason
    /// Choosing who speaks in the segment: a known speaker by number, or a new name typed.
    case speakerMenu
    /// The person's own submissions in this sitting, to hear again and amend.
    case history
    /// Moving the segment's start or end, splitting or merging it.
    case boundaries
    /// Skipping for "other": a comment on why.
    case skipComment
    /// Quitting with unsent text on screen: asks first.
    case confirmQuit

    /// A screen that asks the person something, which a key typed before it appeared must not answer.
    public var asks: Bool { [.warning, .terms, .breakSuggested, .onBreak, .idle].contains(self) }
}

/// Everything the screen draws, gathered by the loop; ``SessionScreen/render(_:rows:columns:)`` is pure.
struct SessionView {
    var annotator: String
    var kind: TaskKind
    var language: String
    var mode: SessionMode = .idle
    var task: ClaimedTask?
    var editor = LineEditor()
    var player: PlayerStatus?
    var peaks: [Double] = []
    var doneToday = 0
    var workedToday = 0.0
    var available = 0
    var message: String?
    var messageIsError = false
    var fromMachineDraft = false
    var tags: [String] = []
    var keys: KeyMap
    var colour = true
    /// Why there is nothing to do, when it is not an empty queue (the daily cap).
    var idleNote: String?
    /// Work written down on this machine and not yet delivered to the server.
    var waiting = 0
    /// The pay terms, for the terms screen.
    var terms = ""
    /// Minutes worked without a break, for the break screen.
    var stretchMinutes = 0
    /// Today's earnings with the currency, when a pay model applies.
    var earnedToday: String?
    /// Review: the version being rejected (1-based) and the reason being typed.
    var rejecting = 0
    var reason = LineEditor()
    /// A new speaker's name, as typed in the speaker menu.
    var speakerName = LineEditor()
    /// Going back: this sitting's submissions (oldest first), the one chosen, and the one being
    /// amended in the editor (the current task's draft waits meanwhile).
    var history: [OwnSubmission] = []
    var historyPick = 0
    var amending: OwnSubmission?
    /// The loaded clip's place in the recording (seconds of its first sample) and, when it
    /// reaches beyond the segment ("hear around", boundaries), the segment's part of it.
    var clipFrom = 0.0
    var marks: ClosedRange<Double>?
    /// Boundaries being moved, in recording seconds, and which edge the arrows move.
    var boundaryStart = 0.0
    var boundaryEnd = 0.0
    var movingEnd = false
    /// The comment typed for skipping as "other".
    var comment = LineEditor()
    /// The help screen's page.
    var helpPage = 0
    /// Seconds the rewind and forward keys move.
    var seekSeconds = 2.0
    /// A clip is being fetched or decoded.
    var loadingAudio = false
}

/// Lays out the annotation screen as lines of text with ANSI styling, and where the cursor goes.
enum SessionScreen {
    struct Frame {
        var lines: [String]
        /// Zero-based row and column of the text cursor, or nil to hide it.
        var cursor: (row: Int, column: Int)?
    }

    static func render(_ v: SessionView, rows: Int, columns: Int) -> Frame {
        let width = max(20, columns)
        var out: [String] = []
        let style = Style(on: v.colour)
        func line(_ s: String = "") { out.append(s) }
        /// A line of plain text, cut to the width (never wrapped by the terminal).
        func fit(_ s: String) { out.append(s.fitted(to: width)) }
        func wrapped(_ s: String) { for row in wrap(s, width: width) { line(row) } }
        func rule() { line(style.dim(String(repeating: "─", count: width))) }
        /// An editor's rows after `mark` (the text, or a prompt's answer); where its cursor is.
        func editor(_ e: LineEditor, mark: String) -> (row: Int, column: Int) {
            let layout = e.layout(width: width - 2)
            let top = out.count
            for (i, r) in layout.rows.enumerated() { line((i == 0 ? mark + " " : "  ") + e.text(of: r)) }
            return (top + layout.cursorRow, 2 + layout.cursorColumn)
        }

        line(header(v, width: width, style: style))
        rule()
        // Work this machine holds for a server it cannot reach: said plainly, on every screen.
        if v.waiting > 0 {
            let count = v.waiting == 1 ? "1 submission" : "\(v.waiting) submissions"
            line(style.bold("offline: \(count) waiting to be sent".fitted(to: width)))
        }

        var cursor: (row: Int, column: Int)?
        // Lines from here down (the editor and any menu) stay when the screen is short.
        var anchor: Int?
        switch v.mode {
        case .idle:
            line()
            if let note = v.idleNote {
                wrapped(note)
            } else if v.waiting > 0 {
                wrapped("The server cannot be reached. Your work is saved on this machine and is sent when it answers again; the next segment comes then.")
            } else {
                wrapped("Nothing for you to do right now. The queue is checked again every few seconds.")
            }
            fit("\(v.keys.name(of: .quit)) quits.")
        case .terms:
            line()
            line(style.bold("Before you start: this project's terms".fitted(to: width)))
            line()
            for paragraph in v.terms.split(separator: "\n") { wrapped(String(paragraph)) }
            line()
            fit("Enter: I have read this, start    \(v.keys.name(of: .quit)): quit")
        case .breakSuggested:
            line()
            line(style.bold("Time for a break?"))
            wrapped("You have worked \(v.stretchMinutes) minutes without one. Your work is saved.")
            wrapped("A few minutes away from the screen and the headphones helps your ears, eyes and accuracy.")
            line()
            fit("Enter: take a break    Escape: keep going    \(v.keys.name(of: .quit)): stop for now")
        case .onBreak:
            line()
            line(style.bold("On a break."))
            wrapped("Nothing is playing and the clock is stopped. Press any key when you are back.")
        case .help:
            let pages = helpPages(v, width: width, rows: rows)
            let page = min(max(0, v.helpPage), pages.count - 1)
            let more = pages.count > 1 ? " · page \(page + 1)/\(pages.count) (PgDn, PgUp)" : ""
            line(style.bold("Keys") + style.dim((more + " · any other key returns").fitted(to: width - 4)))
            for row in pages[page] { line(row) }
        case .history:
            fit("Your submissions in this sitting, oldest first")
            fit("↑/↓ choose · Enter: hear it and amend · Escape: back to your segment")
            rule()
            if v.history.isEmpty {
                wrapped("Nothing submitted in this sitting yet.")
            } else {
                let room = max(1, rows - out.count - 2)
                let first = max(0, min(v.historyPick - room / 2, v.history.count - room))
                for (i, s) in v.history.enumerated().dropFirst(first).prefix(room) {
                    let state = s.settled ? "settled" : s.amendable ? "open   " : "fixed  "
                    let row = "seg \(s.segmentID) · \(timestamp(s.start)) · \(state) · " + s.text
                    let text = (i == v.historyPick ? "> " : "  ") + row
                    line(i == v.historyPick ? style.bold(text.fitted(to: width)) : text.fitted(to: width))
                }
            }
        default:
            guard let task = v.task else { break }
            let range = "\(timestamp(task.start))–\(timestamp(task.end)) (\(String(format: "%.2f", task.end - task.start)) s)"
            // A task from a server has no recording on this machine to name.
            let name = task.recording.hasPrefix("http") ? "" : (task.recording as NSString).lastPathComponent + " · "
            if let amended = v.amending {
                let r = "\(timestamp(amended.start))–\(timestamp(amended.end))"
                line(style.bold("Amending your text of segment \(amended.segmentID) · \(r)".fitted(to: width)))
            } else {
                fit("Segment \(task.segmentID) · \(name)\(range)")
            }
            if v.mode == .warning {
                line()
                line(style.warn(" Content warning ".padded(to: min(width, 18))))
                wrapped("Someone who worked on this segment marked it as distressing.")
                wrapped("Nothing has played. You can pass it without listening; passing is never held against you.")
                line()
                fit("L: listen and work on it    \(v.keys.name(of: .skip)) or P: pass    \(v.keys.name(of: .quit)): quit")
            } else {
                line(waveform(v.peaks, status: v.player, marks: v.marks, width: width, style: style))
                line(playerLine(v.player, loading: v.loadingAudio, keys: v.keys).fitted(to: width))
                if v.amending == nil {
                    for before in task.before {
                        let label = "before (\(before.whose == .yours ? "yours" : "settled"), seg \(before.segmentID)): "
                        line(style.dim((label + before.text).fitted(to: width)))
                    }
                    if task.before.isEmpty, let context = task.context { line(style.dim(("before: " + context).fitted(to: width))) }
                }
                if let source = task.kind == .translate ? task.sourceTexts.first : task.original {
                    for (i, row) in wrap(source, width: width - 9).enumerated() {
                        line((i == 0 ? style.bold("Source: ") + " " : String(repeating: " ", count: 9)) + row)
                    }
                }
                if task.kind == .review && v.amending == nil {
                    out += versions(task.sourceTexts, width: width, style: style)
                    let marked = task.sourceAnnotationIDs.enumerated().filter { task.sourcesBeforeBoundaryChange.contains($0.element) }.map { String($0.offset + 1) }
                    if !marked.isEmpty {
                        line(style.dim("version \(marked.joined(separator: ", ")) written before the segment's boundaries changed".fitted(to: width)))
                    }
                }
                anchor = out.count
                rule()
                let heading: String
                if v.amending != nil {
                    heading = "Your text: Enter saves the change, \(v.keys.name(of: .back)) returns without it"
                } else {
                    switch task.kind {
                    case .transcribe: heading = "Transcript (\(task.language))"
                    case .translate: heading = "Translation (\(task.language))"
                    case .review: heading = "Settled text (\(task.language)): Alt-1…Alt-\(max(1, task.sourceTexts.count)) takes a version, Alt-R rejects one; edit freely"
                    }
                }
                let machine = v.fromMachineDraft && v.amending == nil ? "  started from a machine draft" : ""
                line(style.bold(heading.fitted(to: width)) + style.dim(String(machine.prefix(max(0, width - heading.terminalWidth)))))
                if let speaker = task.speaker, v.amending == nil {
                    let keys = (v.keys.keys[.speaker] ?? []).first.map { " (\($0.description) changes)" } ?? ""
                    line(style.dim(("speaker: " + speaker + keys).fitted(to: width)))
                }
                cursor = editor(v.editor, mark: ">")
                switch v.mode {
                case .skipMenu:
                    line()
                    line(style.bold("Skip this segment, because:".fitted(to: width)))
                    for (i, reason) in SkipReason.allCases.enumerated() { fit("  \(i + 1)  \(reasonLabel(reason))") }
                    line(style.dim("  Escape: back to work · skipping is never held against you".fitted(to: width)))
                    cursor = nil
                case .skipComment:
                    line()
                    line(style.bold("Skip as \"other\": why? (optional) Enter skips, Escape goes back".fitted(to: width)))
                    cursor = editor(v.comment, mark: "?")
                case .rejectPick:
                    line()
                    line(style.bold("Reject which version? 1–\(task.sourceTexts.count); its author sees your reason and may appeal once".fitted(to: width)))
                    line(style.dim("  Escape: back"))
                    cursor = nil
                case .rejectReason:
                    line()
                    line(style.bold("Why is version \(v.rejecting) rejected? (its author reads this; Enter sends, Escape cancels)".fitted(to: width)))
                    cursor = editor(v.reason, mark: "?")
                case .speakerMenu:
                    line()
                    line(style.bold("Who speaks in this segment? A number, or type a new name and Enter; Escape: back".fitted(to: width)))
                    if !task.knownSpeakers.isEmpty {
                        line("  " + task.knownSpeakers.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "   ").fitted(to: width - 2))
                    }
                    cursor = editor(v.speakerName, mark: "?")
                case .tagMenu:
                    line()
                    line(style.bold("Insert a tag:"))
                    fit("  " + v.tags.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "   "))
                    line(style.dim("  Escape: back"))
                    cursor = nil
                case .boundaries:
                    line()
                    let edge = v.movingEnd ? "end" : "start"
                    let changed = v.boundaryStart != task.start || v.boundaryEnd != task.end
                    line(style.bold("Boundaries: \(timestamp(v.boundaryStart))–\(timestamp(v.boundaryEnd))\(changed ? " (was \(timestamp(task.start))–\(timestamp(task.end)))" : "") · moving the \(edge)".fitted(to: width)))
                    fit("  ←/→ move the \(edge) 0.1 s · Tab: the \(v.movingEnd ? "start" : "end") · Space: hear the \(edge)")
                    fit("  S: split at the playhead · M: merge with the next segment")
                    fit("  Enter: apply (for everyone) · Escape: cancel")
                    cursor = nil
                case .confirmQuit:
                    line()
                    if v.amending != nil {
                        line(style.bold("Quit now? The change you typed is not sent; your submitted text stands.".fitted(to: width)))
                    } else {
                        line(style.bold("Quit now? Your text is kept as a draft and is back next time.".fitted(to: width)))
                    }
                    fit("  Enter or Y: quit · any other key: back to work")
                    cursor = nil
                default: break
                }
            }
        }

        // Bottom: message and help line.
        var bottom: [String] = []
        if let message = v.message {
            bottom.append(v.messageIsError ? style.error(message.fitted(to: width)) : message.fitted(to: width))
        }
        bottom.append(style.dim(helpLine(v, width: width)))
        let room = max(0, rows - bottom.count)
        if out.count > room, let anchor, anchor > 4 {
            // A short screen: keep the title, the segment line and the player line, and
            // everything from the editor down; drop what is between (waveform, context) first.
            let removable = Array(3..<anchor).filter { $0 != 4 }
            let cut = Array(removable.prefix(out.count - room))
            for i in cut.reversed() { out.remove(at: i) }
            if let c = cursor { cursor = (c.row - cut.count, c.column) }
        }
        if out.count > room { out = Array(out.prefix(room)) }
        while out.count < room { out.append("") }
        return Frame(lines: out + bottom, cursor: cursor.flatMap { $0.row < room ? $0 : nil })
    }

    /// The top line: who and what, and today's figures; shorter forms on narrow screens, so
    /// the figures are never dropped.
    static func header(_ v: SessionView, width: Int, style: Style) -> String {
        let what = "\(v.kind.rawValue) \(v.task?.language ?? v.language) · \(v.annotator)"
        let earned = v.earnedToday.map { " · earned \($0)" } ?? ""
        let long = "done today \(v.doneToday) · worked \(clock(v.workedToday))" + earned + " · \(v.available) left"
        let short = "\(v.doneToday) done · \(clock(v.workedToday))" + (v.earnedToday.map { " · \($0)" } ?? "") + " · \(v.available) left"
        for (title, figures) in [("Chorus · " + what, long), ("Chorus · " + what, short), (what, short)] {
            let gap = width - title.terminalWidth - figures.terminalWidth
            if gap >= 1 { return style.bold(title) + String(repeating: " ", count: gap) + figures }
        }
        return short.fitted(to: width)
    }

    /// Every key, as pages that fit the screen: two columns when there is room.
    static func helpPages(_ v: SessionView, width: Int, rows: Int) -> [[String]] {
        var entries = Action.allCases.map { action -> (String, String) in
            let label: String
            switch action {
            case .rewind: label = "back \(String(format: "%g", v.seekSeconds)) s"
            case .forward: label = "ahead \(String(format: "%g", v.seekSeconds)) s"
            case .around: label = "hear around the segment"
            case .back: label = "go back to your submissions"
            case .timestamp: label = "insert the play time"
            default: label = action.label
            }
            return ((v.keys.keys[action] ?? []).map(\.description).joined(separator: ", "), label)
        }
        entries += [
            ("Alt-1 … Alt-9", "review: take version N"), ("Alt-R", "review: reject a version"), ("←/→, Alt-←/→", "move by character, word"),
            ("Home/End, ↑/↓", "start/end, wrapped rows"), ("Ctrl-W, Alt-Backspace", "delete the word before"),
            ("Alt-D, Ctrl-Delete", "delete the word after"), ("Ctrl-K, Ctrl-U", "delete to end / to start"),
            ("Ctrl-C", "quit at once, keeping your draft"),
        ]
        let keysWidth = 24, labelWidth = 30
        let perPage = max(1, rows - 4)
        var lines: [String]
        if width >= 2 * (keysWidth + labelWidth) + 2 {
            let half = (entries.count + 1) / 2
            lines = (0..<half).map { i in
                let left = entries[i].0.padded(to: keysWidth) + entries[i].1.padded(to: labelWidth)
                let right = i + half < entries.count ? entries[i + half].0.padded(to: keysWidth) + entries[i + half].1 : ""
                return ("  " + left + right).fitted(to: width)
            }
        } else {
            let keys = min(keysWidth, max(10, width / 2 - 2))
            lines = entries.map { ("  " + $0.0.padded(to: keys) + " " + $0.1).fitted(to: width) }
        }
        return stride(from: 0, to: lines.count, by: perPage).map { Array(lines[$0..<min(lines.count, $0 + perPage)]) }
    }

    static func helpLine(_ v: SessionView, width: Int) -> String {
        let items: [Action]
        switch v.mode {
        case .working: items = [.submit, .replay, .help, .pause, .rewind, .quit, .back, .around, .tag, .skip, .slower, .boundaries, .loop, .undo]
        case .history, .boundaries, .skipComment, .confirmQuit, .rejectPick, .rejectReason, .speakerMenu, .tagMenu, .skipMenu: items = [.help]
        default: items = [.help, .quit]
        }
        var text = ""
        for action in items {
            var item = "\(v.keys.name(of: action)) \(action.label)"
            // Pairs read better together: Ctrl-←/→ ±2 s, Ctrl-↓/↑ speed.
            if action == .rewind { item = pair(v.keys.name(of: .rewind), v.keys.name(of: .forward)) + " ±" + String(format: "%g", v.seekSeconds) + " s" }
            if action == .slower { item = pair(v.keys.name(of: .slower), v.keys.name(of: .faster)) + " speed" }
            if (text + " · " + item).terminalWidth > width { break }
            text += text.isEmpty ? item : " · " + item
        }
        return text
    }

    /// "Ctrl-←" and "Ctrl-→" as "Ctrl-←/→".
    static func pair(_ a: String, _ b: String) -> String {
        let common = zip(a, b).prefix { $0 == $1 }.count
        let cut = a.prefix(common).lastIndex(of: "-").map { a.distance(from: a.startIndex, to: $0) + 1 } ?? 0
        return cut > 0 ? a + "/" + b.dropFirst(cut) : a + "/" + b
    }

    static func reasonLabel(_ r: SkipReason) -> String {
        switch r {
        case .noSpeech: "no speech"
        case .unintelligible: "unintelligible"
        case .wrongLanguage: "wrong language"
        case .boundaryWrong: "boundary wrong (starts or ends mid-word, or holds two utterances)"
        case .distressing: "distressing content (the next person is warned before anything plays)"
        case .other: "other"
        }
    }

    static func playerLine(_ p: PlayerStatus?, loading: Bool = false, keys: KeyMap) -> String {
        guard let p, p.duration > 0 || !loading else { return "loading audio…" }
        guard p.duration > 0 else { return "no audio" }
        let state = p.playing ? "▶ playing " : p.position >= p.duration - 0.005 ? "■ ended " : "❚❚ paused "
        var parts = [state + "\(timestamp(p.position)) / \(timestamp(p.duration))"]
        parts.append(String(format: "%.2f×", p.speed))
        if let loop = p.loop { parts.append("loop \(timestamp(loop.lowerBound))–\(timestamp(loop.upperBound))") }
        else if let a = p.loopStart { parts.append("loop from \(timestamp(a)), \(keys.name(of: .loop)) again to close") }
        parts.append(p.audible ? p.sink : "silent: \(p.sink)")
        return parts.joined(separator: " · ")
    }

    /// The block (0 to 7) for each peak level: scaled to the clip's own range (its quietest
    /// to its loudest, at least 12 dB), so a clip's shape shows whatever its overall level.
    static func levels(_ peaks: [Double]) -> [Int] {
        guard let top = peaks.max(), let bottom = peaks.min() else { return [] }
        let floor = min(bottom, top - 12)
        return peaks.map { max(0, min(7, Int(($0 - floor) / (top - floor) * 7.999))) }
    }

    /// The clip's peak levels as block characters, the playhead in reverse video; with
    /// `marks` (seconds of the clip), what lies outside the segment is dim and its edges are ┃.
    static func waveform(_ peaks: [Double], status: PlayerStatus?, marks: ClosedRange<Double>? = nil, width: Int, style: Style) -> String {
        guard !peaks.isEmpty else { return style.dim(String(repeating: "·", count: width)) }
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let head = status.map { $0.duration > 0 ? Int(Double(peaks.count) * $0.position / $0.duration) : 0 } ?? -1
        let levels = levels(peaks)
        let duration = status?.duration ?? 0
        let edges = marks.flatMap { m in
            duration > 0 ? (min(peaks.count - 1, Int(Double(peaks.count) * m.lowerBound / duration)), min(peaks.count - 1, Int(Double(peaks.count) * m.upperBound / duration))) : nil
        }
        var out = ""
        for (i, level) in levels.enumerated() {
            var c = String(blocks[level])
            if let (a, b) = edges {
                if i == a || i == b { c = "┃" } else if i < a || i > b { c = style.dim(c) }
            }
            if let loop = status?.loop, let d = status?.duration, d > 0,
               Double(i) >= Double(peaks.count) * loop.lowerBound / d, Double(i) <= Double(peaks.count) * loop.upperBound / d {
                out += i == min(head, peaks.count - 1) ? style.reverse(c) : style.underline(c)
            } else {
                out += i == min(head, peaks.count - 1) ? style.reverse(c) : c
            }
        }
        return out
    }

    /// Competing versions for review: side by side when there is room, one under another
    /// otherwise, with the words that differ highlighted.
    static func versions(_ texts: [String], width: Int, style: Style) -> [String] {
        let marked = WordDiff.mark(texts)
        let n = max(1, texts.count)
        let sideBySide = n <= 3 && (width - 3 * (n - 1)) / n >= 28
        let columnWidth = sideBySide ? (width - 3 * (n - 1)) / n : width
        let columns: [[String]] = marked.enumerated().map { i, words in
            var rows: [String] = [], plain: [String] = []
            var row = "", rowWidth = 0
            let label = "\(i + 1) "
            row = style.bold(label)
            rowWidth = label.count
            for (word, differs) in words {
                // Without colour a differing word is marked *like this*: two more columns.
                let w = word.terminalWidth + (differs && !style.on ? 2 : 0)
                if rowWidth + w + 1 > columnWidth && rowWidth > label.count {
                    rows.append(row + String(repeating: " ", count: max(0, columnWidth - rowWidth)))
                    plain.append("")
                    row = String(repeating: " ", count: label.count)
                    rowWidth = label.count
                }
                row += (differs ? style.highlight(word) : word) + " "
                rowWidth += w + 1
            }
            rows.append(row + String(repeating: " ", count: max(0, columnWidth - rowWidth)))
            return rows
        }
        if !sideBySide { return columns.flatMap { $0 } }
        let height = columns.map(\.count).max() ?? 0
        return (0..<height).map { r in
            columns.map { $0.indices.contains(r) ? $0[r] : String(repeating: " ", count: columnWidth) }.joined(separator: style.dim(" │ "))
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        let editor = LineEditor(text: text)
        return editor.layout(width: width).rows.map { editor.text(of: $0) }
    }

    static func timestamp(_ seconds: Double) -> String {
        let s = max(0, seconds)
        return String(format: "%d:%05.2f", Int(s) / 60, s.truncatingRemainder(dividingBy: 60))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}

/// ANSI styling, or none.
struct Style {
    var on: Bool
    private func wrap(_ code: String, _ s: String) -> String { on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { wrap("1", s) }
    func dim(_ s: String) -> String { wrap("2", s) }
    func reverse(_ s: String) -> String { on ? wrap("7", s) : "|" }
    func underline(_ s: String) -> String { wrap("4", s) }
    func highlight(_ s: String) -> String { on ? wrap("30;43", s) : "*\(s)*" }
    func error(_ s: String) -> String { wrap("1;31", s) }
    func warn(_ s: String) -> String { on ? wrap("1;30;43", s) : "!! \(s) !!" }
}
