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
        func rule() { line(style.dim(String(repeating: "─", count: width))) }

        // Progress.
        let title = "Chorus · \(v.kind.rawValue) \(v.task?.language ?? v.language) · \(v.annotator)"
        let progress = "done today \(v.doneToday) · worked \(clock(v.workedToday))" + (v.earnedToday.map { " · earned \($0)" } ?? "") + " · \(v.available) left"
        let gap = width - title.terminalWidth - progress.terminalWidth
        line(gap >= 1 ? style.bold(title) + String(repeating: " ", count: gap) + progress : style.bold(title.fitted(to: width)))
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
                for row in wrap(note, width: width) { line(row) }
            } else if v.waiting > 0 {
                for row in wrap("The server cannot be reached. Your work is saved on this machine and is sent when it answers again; the next segment comes then.", width: width) { line(row) }
            } else {
                line("Nothing for you to do right now. The queue is checked again every few seconds.")
            }
            line("\(v.keys.name(of: .quit)) quits.")
        case .terms:
            line()
            line(style.bold("Before you start: this project's terms"))
            line()
            for paragraph in v.terms.split(separator: "\n") {
                for row in wrap(String(paragraph), width: width) { line(row) }
            }
            line()
            line("Enter: I have read this, start    \(v.keys.name(of: .quit)): quit".fitted(to: width))
        case .breakSuggested:
            line()
            line(style.bold("Time for a break?"))
            line("You have worked \(v.stretchMinutes) minutes without one. Your work is saved.".fitted(to: width))
            line("A few minutes away from the screen and the headphones helps your ears, eyes and accuracy.".fitted(to: width))
            line()
            line("Enter: take a break    Escape: keep going    \(v.keys.name(of: .quit)): stop for now".fitted(to: width))
        case .onBreak:
            line()
            line(style.bold("On a break."))
            line("Nothing is playing and the clock is stopped. Press any key when you are back.".fitted(to: width))
        case .help:
            line(style.bold("Keys") + style.dim(" · any key returns"))
            var rows = Action.allCases.map { ((v.keys.keys[$0] ?? []).map(\.description).joined(separator: ", "), $0.label) }
            rows += [
                ("Alt-1 … Alt-9", "review: take version N"), ("Alt-R", "review: reject a version"), ("←/→, Alt-←/→", "move by character, word"),
                ("Home/End, ↑/↓", "start/end, wrapped rows"), ("Ctrl-W, Alt-Backspace", "delete the word before"),
                ("Alt-D, Ctrl-Delete", "delete the word after"), ("Ctrl-K, Ctrl-U", "delete to end / to start"),
                ("Ctrl-C", "quit, keeping your draft"),
            ]
            // Two columns when there is room, so every key fits on a small screen.
            let keysWidth = 22, labelWidth = 25
            if width >= 2 * (keysWidth + labelWidth) + 2 {
                let half = (rows.count + 1) / 2
                for i in 0..<half {
                    let left = rows[i].0.padded(to: keysWidth) + rows[i].1.padded(to: labelWidth)
                    let right = i + half < rows.count ? rows[i + half].0.padded(to: keysWidth) + rows[i + half].1 : ""
                    line(("  " + left + right).fitted(to: width))
                }
            } else {
                for (keys, label) in rows { line(("  " + keys.padded(to: keysWidth) + label).fitted(to: width)) }
            }
        default:
            guard let task = v.task else { break }
            let range = "\(timestamp(task.start))–\(timestamp(task.end)) (\(String(format: "%.2f", task.end - task.start)) s)"
            // A task from a server has no recording on this machine to name.
            let name = task.recording.hasPrefix("http") ? "" : (task.recording as NSString).lastPathComponent + " · "
            line("Segment \(task.segmentID) · \(name)\(range)".fitted(to: width))
            if v.mode == .warning {
                line()
                line(style.warn(" Content warning ".padded(to: min(width, 18))))
                line("Someone who worked on this segment marked it as distressing.".fitted(to: width))
                line("Nothing has played. You can pass it without listening; passing is never held against you.".fitted(to: width))
                line()
                line("L: listen and work on it    \(v.keys.name(of: .skip)) or P: pass    \(v.keys.name(of: .quit)): quit".fitted(to: width))
            } else {
                line(waveform(v.peaks, status: v.player, width: width, style: style))
                line(playerLine(v.player, keys: v.keys).fitted(to: width))
                if let context = task.context { line(style.dim("Before: ") + context.fitted(to: width - 8)) }
                if let source = task.kind == .translate ? task.sourceTexts.first : task.original {
                    for (i, row) in wrap(source, width: width - 9).enumerated() {
                        line((i == 0 ? style.bold("Source: ") + " " : String(repeating: " ", count: 9)) + row)
                    }
                }
                if task.kind == .review {
                    out += versions(task.sourceTexts, width: width, style: style)
                }
                anchor = out.count
                rule()
                let heading: String
                switch task.kind {
                case .transcribe: heading = "Transcript (\(task.language))"
                case .translate: heading = "Translation (\(task.language))"
                case .review: heading = "Settled text (\(task.language)): Alt-1…Alt-\(max(1, task.sourceTexts.count)) takes a version, Alt-R rejects one; edit freely"
                }
                line(style.bold(heading.fitted(to: width)) + (v.fromMachineDraft ? style.dim("  started from a machine draft") : ""))
                if let speaker = task.speaker {
                    let keys = (v.keys.keys[.speaker] ?? []).first.map { " (\($0.description) changes)" } ?? ""
                    line(style.dim(("speaker: " + speaker + keys).fitted(to: width)))
                }
                let layout = v.editor.layout(width: width - 2)
                let top = out.count
                for (i, r) in layout.rows.enumerated() {
                    line((i == 0 ? "> " : "  ") + v.editor.text(of: r))
                }
                cursor = (top + layout.cursorRow, 2 + layout.cursorColumn)
                if v.mode == .skipMenu {
                    line()
                    line(style.bold("Skip this segment, because:") + " (never held against you)")
                    for (i, reason) in SkipReason.allCases.enumerated() { line("  \(i + 1)  \(reasonLabel(reason))") }
                    line(style.dim("  Escape: back to work"))
                    cursor = nil
                } else if v.mode == .rejectPick {
                    line()
                    line(style.bold("Reject which version?") + " 1–\(task.sourceTexts.count); its author sees your reason and may appeal once")
                    line(style.dim("  Escape: back"))
                    cursor = nil
                } else if v.mode == .rejectReason {
                    line()
                    line(style.bold("Why is version \(v.rejecting) rejected?") + " (its author reads this; Enter sends, Escape cancels)")
                    let layout = v.reason.layout(width: width - 2)
                    let top = out.count
                    for (i, r) in layout.rows.enumerated() { line((i == 0 ? "? " : "  ") + v.reason.text(of: r)) }
                    cursor = (top + layout.cursorRow, 2 + layout.cursorColumn)
                } else if v.mode == .speakerMenu {
                    line()
                    line(style.bold("Who speaks in this segment?") + " a number, or type a new name and Enter; Escape: back")
                    if !task.knownSpeakers.isEmpty {
                        line("  " + task.knownSpeakers.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "   ").fitted(to: width - 2))
                    }
                    let layout = v.speakerName.layout(width: width - 2)
                    let top = out.count
                    for (i, r) in layout.rows.enumerated() { line((i == 0 ? "? " : "  ") + v.speakerName.text(of: r)) }
                    cursor = (top + layout.cursorRow, 2 + layout.cursorColumn)
                } else if v.mode == .tagMenu {
                    line()
                    line(style.bold("Insert a tag:"))
                    line("  " + v.tags.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "   "))
                    line(style.dim("  Escape: back"))
                    cursor = nil
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

    static func helpLine(_ v: SessionView, width: Int) -> String {
        let items: [Action]
        switch v.mode {
        case .working: items = [.submit, .replay, .pause, .rewind, .slower, .tag, .skip, .help, .quit, .loop, .undo]
        default: items = [.help, .quit]
        }
        var text = ""
        for action in items {
            var item = "\(v.keys.name(of: action)) \(action.label)"
            // Pairs read better together: Ctrl-←/→ ±2 s, Ctrl-↓/↑ speed.
            if action == .rewind { item = pair(v.keys.name(of: .rewind), v.keys.name(of: .forward)) + " ±2 s" }
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
        case .distressing: "distressing content (the next person is warned before anything plays)"
        case .other: "other"
        }
    }

    static func playerLine(_ p: PlayerStatus?, keys: KeyMap) -> String {
        guard let p else { return "loading audio…" }
        let state = p.playing ? "▶ playing " : p.position >= p.duration - 0.005 ? "■ ended " : "❚❚ paused "
        var parts = [state + "\(timestamp(p.position)) / \(timestamp(p.duration))"]
        parts.append(String(format: "%.2f×", p.speed))
        if let loop = p.loop { parts.append("loop \(timestamp(loop.lowerBound))–\(timestamp(loop.upperBound))") }
        else if let a = p.loopStart { parts.append("loop from \(timestamp(a)), \(keys.name(of: .loop)) again to close") }
        parts.append(p.audible ? p.sink : "silent: \(p.sink)")
        return parts.joined(separator: " · ")
    }

    /// The clip's peak levels as block characters (-60 to 0 dBFS), the playhead in reverse video.
    static func waveform(_ peaks: [Double], status: PlayerStatus?, width: Int, style: Style) -> String {
        guard !peaks.isEmpty else { return style.dim(String(repeating: "·", count: width)) }
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let head = status.map { $0.duration > 0 ? Int(Double(peaks.count) * $0.position / $0.duration) : 0 } ?? -1
        var out = ""
        for (i, db) in peaks.enumerated() {
            let level = max(0, min(7, Int((db + 60) / 60 * 8)))
            let c = String(blocks[level])
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
