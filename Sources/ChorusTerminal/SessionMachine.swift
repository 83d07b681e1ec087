import Foundation
import ChorusStore

/// What the loop is to do about one key, decided from the screen's state alone: the pure
/// half of the loop's key handling. ``AnnotationSession`` carries the commands out (store
/// calls, playback, the editor); the decisions have unit tests without a terminal.
enum SessionCommand: Equatable {
    /// Leave the sitting (the draft is saved; an untouched task is given back).
    case quit
    /// The terms screen was read: record it and show the first task.
    case acknowledgeTerms
    /// Take the suggested break: nothing plays, the clock stops.
    case takeBreak
    /// Decline the break, or come back from one, with this message; the next task follows.
    case carryOn(String)
    /// Leave the help screen for the screen it came from.
    case closeHelp
    case showHelp
    /// Listen to a segment flagged distressing (counted as exposure).
    case listen
    /// Pass a flagged segment, or skip a task, with a reason.
    case skip(SkipReason)
    /// Show a one-line message.
    case say(String)
    /// Change the screen's mode.
    case mode(SessionMode)
    /// Review: reject version `n`: ask for the reason.
    case chooseRejected(Int)
    /// Review: the reason being typed.
    case editReason(ReasonEdit)
    case sendRejection
    /// Insert a non-speech tag.
    case insertTag(String)
    /// Typed or pasted text.
    case type(String)
    /// A key bound to an action in the working screen.
    case perform(Action)
    /// A key the editor handles (arrows, backspace, word movement).
    case edit(Key)

    /// An edit of a one-line prompt (a reason, a speaker's name, a comment).
    enum ReasonEdit: Equatable { case insert(String), deleteBackward, left, right }
    /// Edits the new speaker's name in the speaker menu.
    case editSpeaker(ReasonEdit)
    /// Sets the segment's speaker.
    case setSpeaker(String)
    /// Going back: open the list of this sitting's submissions, move in it, open one to amend,
    /// leave an amendment unsent (the current segment returns with its draft).
    case openHistory
    case closeHistory
    case historyMove(Int)
    case openSubmission
    case leaveAmend
    /// Boundaries: open the editor, move the chosen edge by seconds, choose the other edge,
    /// hear the chosen edge, split at the playhead, merge the next segment, apply, cancel.
    case openBoundaries
    case nudge(Double)
    case switchEdge
    case hearEdge
    case split
    case merge
    case applyBoundaries
    /// Skipping as "other": ask for a comment, edit it, skip with it.
    case askSkipComment
    case editComment(ReasonEdit)
    case skipWithComment
    /// The help screen's next or previous page.
    case helpPage(Int)
}

/// The screen's state the decisions depend on.
struct SessionMachine {
    var mode: SessionMode
    /// Seconds since the mode last changed.
    var sinceModeChange: Double
    var keys: KeyMap
    /// Versions under review (for rejecting one), and the project's tags (for the tag menu).
    var versions = 0
    var tags: [String] = []
    /// The speakers the speaker menu offers by number, and the name typed so far.
    var speakers: [String] = []
    var typedSpeaker = ""
    /// Minutes between break reminders, for the message on declining one.
    var breakAfterMinutes = 50.0
    /// Text on screen that quitting would not send (typed and not submitted, or an amendment).
    var unsentText = false
    /// A submission is open in the editor for amending.
    var amending = false
    /// The step the boundary arrows move an edge, seconds.
    static let boundaryStep = 0.1

    /// How long a screen that asks something ignores keys after it appears, seconds.
    static let typeAheadGuard = 0.5

    /// Whether the next task waits for a break suggestion: between tasks, after `stretch`
    /// seconds of continuous work reach `breakAfterMinutes` (0: never), unless a break is
    /// already on screen or under way.
    static func suggestsBreak(mode: SessionMode, stretch: Double, breakAfterMinutes: Double) -> Bool {
        breakAfterMinutes > 0 && stretch >= breakAfterMinutes * 60 && mode != .onBreak && mode != .breakSuggested
    }

    /// A one-line prompt's answer to a key: typing edits it, Enter sends it, Escape goes back to work.
    private func prompt(_ event: KeyEvent, enter: SessionCommand, edit: (SessionCommand.ReasonEdit) -> SessionCommand) -> SessionCommand? {
        switch event {
        case .text(let text): return edit(.insert(text.replacingOccurrences(of: "\n", with: " ")))
        case .key(let k):
            switch k.base {
            case .escape: return .mode(.working)
            case .enter: return enter
            case .backspace: return edit(.deleteBackward)
            case .left: return edit(.left)
            case .right: return edit(.right)
            default: return nil
            }
        }
    }

    /// The command for `event`, or nil when the key does nothing here.
    func command(for event: KeyEvent) -> SessionCommand? {
        let key: Key? = if case .key(let k) = event { k } else { nil }
        let action = key.flatMap { keys.action(for: $0) }
        if key == .ctrl("c") { return .quit }
        // Keys typed ahead (a second Enter after a submit) must not answer a screen that asks
        // something: the terms, a content warning, a break, the end of the day's work.
        // Quitting stays at hand: it answers nothing, and the work is saved either way.
        if mode.asks && sinceModeChange < Self.typeAheadGuard && action != .quit { return nil }
        switch mode {
        case .terms:
            if key?.base == .enter { return .acknowledgeTerms }
            return action == .quit ? .quit : nil
        case .breakSuggested:
            if key?.base == .enter { return .takeBreak }
            if key?.base == .escape {
                return .carryOn("Carry on; the next reminder comes in " + String(format: "%g", breakAfterMinutes) + " minutes.")
            }
            return action == .quit ? .quit : nil
        case .onBreak:
            return action == .quit ? .quit : .carryOn("Welcome back.")
        case .help:
            switch key?.base {
            case .pageDown?, .down?: return .helpPage(1)
            case .pageUp?, .up?: return .helpPage(-1)
            default: return event == .text(" ") ? .helpPage(1) : .closeHelp
            }
        case .confirmQuit:
            if key?.base == .enter || action == .quit { return .quit }
            if case .text(let t) = event, t.lowercased() == "y" { return .quit }
            return .mode(.working)
        case .history:
            switch key?.base {
            case .up?: return .historyMove(-1)
            case .down?: return .historyMove(1)
            case .pageUp?: return .historyMove(-10)
            case .pageDown?: return .historyMove(10)
            case .enter?: return .openSubmission
            case .escape?: return .closeHistory
            default:
                if action == .back { return .closeHistory }
                if action == .help { return .showHelp }
                return nil
            }
        case .boundaries:
            if case .text(let t) = event {
                switch t.lowercased() {
                case "s": return .split
                case "m": return .merge
                case " ": return .hearEdge
                default: return nil
                }
            }
            switch key?.base {
            case .left?: return .nudge(-Self.boundaryStep)
            case .right?: return .nudge(Self.boundaryStep)
            case .tab?: return .switchEdge
            case .enter?: return .applyBoundaries
            case .escape?: return .mode(.working)
            default:
                if action == .boundaries { return .mode(.working) }
                if action == .help { return .showHelp }
                return nil
            }
        case .skipComment:
            return prompt(event, enter: .skipWithComment, edit: SessionCommand.editComment)
        case .idle:
            if action == .quit { return .quit }
            return action == .help ? .showHelp : nil
        case .warning:
            if case .text(let t) = event {
                switch t.lowercased() {
                case "p": return .skip(.distressing)
                case "l": return .listen
                default: return nil
                }
            }
            if key?.base == .enter { return .say("Nothing plays until you choose: L listens, P passes.") }
            switch action {
            case .skip: return .skip(.distressing)
            case .quit: return .quit
            case .help: return .showHelp
            default: return nil
            }
        case .rejectPick:
            if case .text(let t) = event, let n = Int(t), (1...max(1, versions)).contains(n), versions > 0 { return .chooseRejected(n) }
            return key?.base == .escape ? .mode(.working) : nil
        case .rejectReason:
            return prompt(event, enter: .sendRejection, edit: SessionCommand.editReason)
        case .speakerMenu:
            switch event {
            case .text(let text):
                // A digit picks a known speaker until a name is being typed.
                if typedSpeaker.isEmpty, let n = Int(text), (1...min(9, max(1, speakers.count))).contains(n), n <= speakers.count { return .setSpeaker(speakers[n - 1]) }
                return .editSpeaker(.insert(text.replacingOccurrences(of: "\n", with: " ")))
            case .key(let k):
                switch k.base {
                case .escape: return .mode(.working)
                case .enter:
                    let name = typedSpeaker.trimmingCharacters(in: .whitespaces)
                    return name.isEmpty ? .say("Type a name, or a number from the list.") : .setSpeaker(name)
                case .backspace: return .editSpeaker(.deleteBackward)
                case .left: return .editSpeaker(.left)
                case .right: return .editSpeaker(.right)
                default: return action == .speaker ? .mode(.working) : nil
                }
            }
        case .skipMenu:
            if case .text(let t) = event, let n = Int(t), (1...SkipReason.allCases.count).contains(n) {
                let reason = SkipReason.allCases[n - 1]
                return reason == .other ? .askSkipComment : .skip(reason)
            }
            return key?.base == .escape || action == .skip ? .mode(.working) : nil
        case .tagMenu:
            if case .text(let t) = event, let n = Int(t), (1...min(9, max(1, tags.count))).contains(n), n <= tags.count { return .insertTag(tags[n - 1]) }
            return key?.base == .escape || action == .tag ? .mode(.working) : nil
        case .working:
            switch event {
            case .text(let text):
                return .type(text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " "))
            case .key(let k):
                switch action {
                case .quit?: return unsentText ? .mode(.confirmQuit) : .quit
                case .back?: return amending ? .leaveAmend : .openHistory
                case .boundaries?: return amending ? .say("Boundaries are changed on the segment you are working on, not while amending.") : .openBoundaries
                case .skip? where amending, .speaker? where amending: return .say("Finish the amendment first: Enter saves it.")
                case let action?: return .perform(action)
                case nil: return .edit(k)
                }
            }
        }
    }
}

/// The loop's clock decisions, from times alone (seconds on one monotonic clock): when a draft
/// is saved, the lease renewed, audio paused for typing resumed, and an idle screen asks for
/// work again. The loop records what happened and asks what is due on each tick; the
/// decisions have unit tests without a terminal or a store.
struct SessionTimers: Equatable {
    enum Due: Equatable { case saveDraft, renewLease, resumeAudio, pollForWork }

    /// A draft is saved this long after the last key...
    static let draftQuiet = 0.5
    /// ...and is never further behind the text than this while someone types on.
    static let draftMaxBehind = 1.5
    /// Audio paused for typing resumes after this long without a key.
    static let resumeAfterTyping = 1.0
    /// The idle screen asks for work this often.
    static let idlePoll = 5.0

    /// The lease's length; it is renewed at a third of it.
    var leaseSeconds: Double
    private(set) var dirty = false
    private(set) var firstDirty = 0.0
    private(set) var lastKey = 0.0
    private(set) var lastRenew = 0.0
    private(set) var lastPoll = 0.0
    private(set) var pausedForTyping = false

    init(leaseSeconds: Double) { self.leaseSeconds = leaseSeconds }

    /// A key was pressed.
    mutating func key(at t: Double) { lastKey = t }
    /// The text changed: a draft to save.
    mutating func edited(at t: Double) {
        if !dirty { firstDirty = t }
        dirty = true
    }
    /// Audio was paused because the person typed; or they paused or resumed it themselves.
    mutating func pausedForTyping(_ paused: Bool) { pausedForTyping = paused }
    /// A task arrived (its lease just taken or renewed): nothing is owed on it yet.
    mutating func newTask(at t: Double) {
        dirty = false
        lastRenew = t
        lastKey = t
        pausedForTyping = false
    }
    /// The store was asked for work.
    mutating func polled(at t: Double) { lastPoll = t }

    /// What is due at `now`, each thing at most once (and marked done).
    /// - Parameters:
    ///   - holding: a task is on screen (its draft and lease are the ones meant).
    ///   - playing: audio is playing, which counts as being at work for the lease.
    ///   - idle: the screen says there is no work.
    mutating func due(at now: Double, holding: Bool, playing: Bool, idle: Bool) -> [Due] {
        var due: [Due] = []
        if holding && dirty && (now - lastKey >= Self.draftQuiet || now - firstDirty >= Self.draftMaxBehind) {
            dirty = false
            due.append(.saveDraft)
        }
        // Someone who walked away (no key within the lease time, nothing playing) lets the
        // lease lapse for others.
        if holding && now - lastRenew > leaseSeconds / 3 && (now - lastKey < leaseSeconds || playing) {
            lastRenew = now
            due.append(.renewLease)
        }
        if pausedForTyping && now - lastKey >= Self.resumeAfterTyping {
            pausedForTyping = false
            due.append(.resumeAudio)
        }
        if idle && now - lastPoll > Self.idlePoll { due.append(.pollForWork) }
        return due
    }
}

extension LineEditor {
    /// Applies an edit of a one-line prompt.
    mutating func apply(_ change: SessionCommand.ReasonEdit) {
        switch change {
        case .insert(let text): insert(text)
        case .deleteBackward: deleteBackward()
        case .left: moveLeft()
        case .right: moveRight()
        }
    }
}
