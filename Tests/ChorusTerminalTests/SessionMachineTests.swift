import ChorusStore
@testable import ChorusTerminal
import Testing

/// Every mode's answer to every kind of key, without a terminal.
@Suite struct SessionMachineTests {
    let keys = try! KeyMap(overrides: [:])

    func machine(_ mode: SessionMode, after seconds: Double = 5, versions: Int = 2, tags: [String] = ["[noise]", "[laugh]"]) -> SessionMachine {
        SessionMachine(mode: mode, sinceModeChange: seconds, keys: keys, versions: versions, tags: tags, breakAfterMinutes: 50)
    }

    static let enter = KeyEvent.key(Key(.enter)), escape = KeyEvent.key(Key(.escape))
    static let quit = KeyEvent.key(.ctrl("q")), help = KeyEvent.key(Key(.function(10))), skip = KeyEvent.key(.ctrl("s"))
    static let tag = KeyEvent.key(.ctrl("t")), ctrlC = KeyEvent.key(.ctrl("c"))

    @Test func theTermsScreen() {
        let m = machine(.terms)
        #expect(m.command(for: Self.enter) == .acknowledgeTerms)
        #expect(m.command(for: Self.quit) == .quit)
        #expect(m.command(for: .text("x")) == nil)
    }

    @Test func aBreakSuggestionAndABreak() {
        #expect(machine(.breakSuggested).command(for: Self.enter) == .takeBreak)
        #expect(machine(.breakSuggested).command(for: Self.escape) == .carryOn("Carry on; the next reminder comes in 50 minutes."))
        #expect(machine(.breakSuggested).command(for: Self.quit) == .quit)
        #expect(machine(.breakSuggested).command(for: .text("x")) == nil)
        #expect(machine(.onBreak).command(for: .text("x")) == .carryOn("Welcome back."))
        #expect(machine(.onBreak).command(for: Self.enter) == .carryOn("Welcome back."))
        #expect(machine(.onBreak).command(for: Self.quit) == .quit)
    }

    @Test func theContentWarningListensOnlyOnL() {
        let m = machine(.warning)
        #expect(m.command(for: .text("l")) == .listen && m.command(for: .text("L")) == .listen)
        #expect(m.command(for: .text("p")) == .skip(.distressing) && m.command(for: Self.skip) == .skip(.distressing))
        #expect(m.command(for: Self.enter) == .say("Nothing plays until you choose: L listens, P passes."))
        #expect(m.command(for: Self.quit) == .quit && m.command(for: Self.help) == .showHelp)
        #expect(m.command(for: .text("x")) == nil)
    }

    @Test(arguments: [SessionMode.warning, .terms, .breakSuggested, .onBreak, .idle])
    func keysTypedBeforeAQuestionAppearedDoNotAnswerIt(mode: SessionMode) {
        let fresh = machine(mode, after: 0.1)
        for event in [Self.enter, Self.escape, .text("l"), .text("p"), Self.help] { #expect(fresh.command(for: event) == nil, "\(mode) \(event)") }
        #expect(fresh.command(for: Self.quit) == .quit, "quitting stays at hand")
        #expect(fresh.command(for: Self.ctrlC) == .quit)
        #expect(machine(mode, after: SessionMachine.typeAheadGuard).command(for: Self.quit) == .quit)
    }

    @Test func helpIdleAndTheMenus() {
        #expect(machine(.help).command(for: .text("x")) == .closeHelp)
        #expect(machine(.idle).command(for: Self.help) == .showHelp && machine(.idle).command(for: .text("x")) == nil)
        #expect(machine(.skipMenu).command(for: .text("4")) == .skip(.distressing))
        #expect(machine(.skipMenu).command(for: .text("9")) == nil)
        #expect(machine(.help).command(for: .text("x")) == .closeHelp)
        #expect(machine(.skipMenu).command(for: Self.escape) == .mode(.working) && machine(.skipMenu).command(for: Self.skip) == .mode(.working))
        #expect(machine(.tagMenu).command(for: .text("2")) == .insertTag("[laugh]"))
        #expect(machine(.tagMenu).command(for: .text("3")) == nil)
        #expect(machine(.tagMenu, tags: []).command(for: .text("1")) == nil, "no tags, no crash")
        #expect(machine(.tagMenu).command(for: Self.tag) == .mode(.working))
    }

    @Test func rejectingAVersionInReview() {
        #expect(machine(.rejectPick).command(for: .text("2")) == .chooseRejected(2))
        #expect(machine(.rejectPick).command(for: .text("3")) == nil)
        #expect(machine(.rejectPick, versions: 0).command(for: .text("1")) == nil)
        #expect(machine(.rejectPick).command(for: Self.escape) == .mode(.working))
        let r = machine(.rejectReason)
        #expect(r.command(for: .text("wrong\nlanguage")) == .editReason(.insert("wrong language")))
        #expect(r.command(for: Self.enter) == .sendRejection && r.command(for: Self.escape) == .mode(.working))
        #expect(r.command(for: .key(Key(.backspace))) == .editReason(.deleteBackward))
        #expect(r.command(for: .key(Key(.left))) == .editReason(.left) && r.command(for: .key(Key(.right))) == .editReason(.right))
    }

    @Test func theWorkingScreen() {
        let m = machine(.working)
        #expect(m.command(for: .text("habari\tya\nleo")) == .type("habari ya leo"))
        #expect(m.command(for: Self.enter) == .perform(.submit))
        #expect(m.command(for: Self.skip) == .perform(.skip) && m.command(for: Self.quit) == .quit)
        #expect(m.command(for: .key(Key(.left))) == .edit(Key(.left)))
        #expect(m.command(for: Self.ctrlC) == .quit)
    }

    @Test func quittingWithUnsentTextAsksFirst() {
        var m = machine(.working)
        m.unsentText = true
        #expect(m.command(for: Self.quit) == .mode(.confirmQuit), "Ctrl-Q sits beside Ctrl-W: a slip must not end the sitting")
        #expect(m.command(for: Self.ctrlC) == .quit, "Ctrl-C still quits at once (the draft is kept)")
        let ask = machine(.confirmQuit)
        #expect(ask.command(for: Self.enter) == .quit && ask.command(for: .text("y")) == .quit && ask.command(for: Self.quit) == .quit)
        #expect(ask.command(for: .text("n")) == .mode(.working) && ask.command(for: Self.escape) == .mode(.working))
        #expect(ask.command(for: .text("w")) == .mode(.working), "any other key goes back to work")
    }

    static let back = KeyEvent.key(.ctrl("d")), boundaries = KeyEvent.key(.ctrl("b")), around = KeyEvent.key(.ctrl("n"))

    @Test func goingBackAndAmending() {
        let m = machine(.working)
        #expect(m.command(for: Self.back) == .openHistory)
        #expect(m.command(for: .key(Key(.function(5)))) == .openHistory, "F5 too")
        let list = machine(.history)
        #expect(list.command(for: .key(Key(.up))) == .historyMove(-1) && list.command(for: .key(Key(.down))) == .historyMove(1))
        #expect(list.command(for: .key(Key(.pageUp))) == .historyMove(-10))
        #expect(list.command(for: Self.enter) == .openSubmission)
        #expect(list.command(for: Self.escape) == .closeHistory && list.command(for: Self.back) == .closeHistory)
        #expect(list.command(for: .text("x")) == nil, "typing does nothing in the list")
        var amending = machine(.working)
        amending.amending = true
        #expect(amending.command(for: Self.back) == .leaveAmend)
        #expect(amending.command(for: Self.enter) == .perform(.submit))
        #expect(amending.command(for: Self.skip) != .perform(.skip), "an amendment is not skipped")
        #expect(amending.command(for: Self.boundaries) != .openBoundaries)
        #expect(amending.command(for: Self.around) == .perform(.around), "hearing around works while amending")
    }

    @Test func boundaries() {
        #expect(machine(.working).command(for: Self.boundaries) == .openBoundaries)
        let b = machine(.boundaries)
        #expect(b.command(for: .key(Key(.left))) == .nudge(-0.1) && b.command(for: .key(Key(.right))) == .nudge(0.1))
        #expect(b.command(for: .key(Key(.tab))) == .switchEdge)
        #expect(b.command(for: .text("s")) == .split && b.command(for: .text("S")) == .split)
        #expect(b.command(for: .text("m")) == .merge && b.command(for: .text(" ")) == .hearEdge)
        #expect(b.command(for: Self.enter) == .applyBoundaries)
        #expect(b.command(for: Self.escape) == .mode(.working) && b.command(for: Self.boundaries) == .mode(.working))
        #expect(b.command(for: .text("x")) == nil)
    }

    @Test func skippingAsOtherAsksForAComment() {
        #expect(machine(.skipMenu).command(for: .text("5")) == .skip(.boundaryWrong))
        #expect(machine(.skipMenu).command(for: .text("6")) == .askSkipComment)
        let c = machine(.skipComment)
        #expect(c.command(for: .text("kelele\nnyingi")) == .editComment(.insert("kelele nyingi")))
        #expect(c.command(for: Self.enter) == .skipWithComment && c.command(for: Self.escape) == .mode(.working))
        #expect(c.command(for: .key(Key(.backspace))) == .editComment(.deleteBackward))
    }

    @Test func theHelpScreenPages() {
        let h = machine(.help)
        #expect(h.command(for: .key(Key(.pageDown))) == .helpPage(1) && h.command(for: .key(Key(.down))) == .helpPage(1))
        #expect(h.command(for: .text(" ")) == .helpPage(1) && h.command(for: .key(Key(.pageUp))) == .helpPage(-1))
        #expect(h.command(for: Self.escape) == .closeHelp)
    }

    @Test func everyDefaultActionHasAKeyEveryTerminalSends() throws {
        // Ctrl-letters, Tab, Enter and Escape reach the program in tmux, GNOME Terminal,
        // Windows Terminal and macOS Terminal over SSH; Ctrl-arrows and F-keys may not.
        let keys = try KeyMap()
        for action in Action.allCases {
            let first = try #require(keys.keys[action]?.first, "\(action)")
            let plain: Bool = switch first.base {
            case .character: first.ctrl && !first.alt
            case .enter, .tab, .escape: true
            default: false
            }
            if action == .slower || action == .faster { continue }  // F3/F4: documented, with fn on a Mac
            #expect(plain, "\(action) starts with \(first)")
        }
    }

    @Test func aBreakIsSuggestedBetweenTasksAfterALongStretchOnly() {
        #expect(SessionMachine.suggestsBreak(mode: .working, stretch: 50 * 60, breakAfterMinutes: 50))
        #expect(!SessionMachine.suggestsBreak(mode: .working, stretch: 49 * 60, breakAfterMinutes: 50))
        #expect(!SessionMachine.suggestsBreak(mode: .working, stretch: 9 * 3600, breakAfterMinutes: 0), "0 turns reminders off")
        #expect(!SessionMachine.suggestsBreak(mode: .onBreak, stretch: 3600, breakAfterMinutes: 50))
        #expect(!SessionMachine.suggestsBreak(mode: .breakSuggested, stretch: 3600, breakAfterMinutes: 50))
        #expect(SessionMachine.suggestsBreak(mode: .warning, stretch: 3.2, breakAfterMinutes: 0.05))
    }
}

/// The loop's clock decisions: drafts, the lease, audio paused for typing, the idle poll.
@Suite struct SessionTimersTests {
    /// A ten-minute lease, with a task taken at t = 100.
    func timers() -> SessionTimers {
        var t = SessionTimers(leaseSeconds: 600)
        t.newTask(at: 100)
        return t
    }

    @Test func aDraftIsSavedHalfASecondAfterTheLastKeyAndOnlyOnce() {
        var t = timers()
        t.key(at: 101); t.edited(at: 101)
        #expect(t.due(at: 101.3, holding: true, playing: false, idle: false).isEmpty)
        #expect(t.due(at: 101.5, holding: true, playing: false, idle: false) == [.saveDraft])
        #expect(t.due(at: 102, holding: true, playing: false, idle: false).isEmpty, "saved once; nothing new typed")
    }

    @Test func someoneTypingOnIsNeverMoreThanASecondAndAHalfBehind() {
        var t = timers()
        var saved: [Double] = []
        for step in 0..<40 {
            let now = 101 + Double(step) * 0.1
            t.key(at: now); t.edited(at: now)
            if t.due(at: now, holding: true, playing: false, idle: false).contains(.saveDraft) { saved.append(now) }
        }
        #expect(saved.count == 2, "typing without a pause for 4 s saves at 1.5 s and 3 s: \(saved)")
        #expect((102.45...102.65).contains(saved.first ?? 0), "the first save comes 1.5 s after the first change")
    }

    @Test func nothingIsSavedWithoutATaskOrAChange() {
        var t = timers()
        t.key(at: 101)
        #expect(!t.due(at: 105, holding: true, playing: false, idle: false).contains(.saveDraft), "a key that changed nothing")
        t.edited(at: 106)
        #expect(!t.due(at: 110, holding: false, playing: false, idle: true).contains(.saveDraft), "no task on screen")
        t.newTask(at: 111)
        #expect(!t.due(at: 115, holding: true, playing: false, idle: false).contains(.saveDraft), "a new task owes no draft")
    }

    @Test func theLeaseIsRenewedAtAThirdWhileThePersonIsAtWork() {
        var t = timers()
        t.key(at: 250)
        #expect(!t.due(at: 299, holding: true, playing: false, idle: false).contains(.renewLease))
        #expect(t.due(at: 301, holding: true, playing: false, idle: false).contains(.renewLease))
        #expect(!t.due(at: 400, holding: true, playing: false, idle: false).contains(.renewLease), "renewed once per third")
        #expect(t.due(at: 502, holding: true, playing: false, idle: false).contains(.renewLease))
    }

    @Test func someoneWhoWalkedAwayLetsTheLeaseLapseUnlessAudioPlays() {
        var t = timers()
        // No key since the task came at 100: past the lease time, nothing is renewed.
        #expect(!t.due(at: 701, holding: true, playing: false, idle: false).contains(.renewLease))
        #expect(t.due(at: 702, holding: true, playing: true, idle: false).contains(.renewLease), "listening is working")
        #expect(!t.due(at: 702, holding: false, playing: true, idle: false).contains(.renewLease))
    }

    @Test func audioPausedForTypingResumesAfterASecondWithoutAKey() {
        var t = timers()
        t.key(at: 101); t.pausedForTyping(true)
        #expect(!t.due(at: 101.9, holding: true, playing: false, idle: false).contains(.resumeAudio))
        t.key(at: 101.9)
        #expect(!t.due(at: 102.5, holding: true, playing: false, idle: false).contains(.resumeAudio), "a key restarts the wait")
        #expect(t.due(at: 102.9, holding: true, playing: false, idle: false).contains(.resumeAudio))
        #expect(!t.due(at: 104, holding: true, playing: false, idle: false).contains(.resumeAudio), "resumed once")
        t.pausedForTyping(true); t.pausedForTyping(false)
        #expect(!t.due(at: 110, holding: true, playing: false, idle: false).contains(.resumeAudio), "paused by hand stays paused")
    }

    @Test func theIdleScreenAsksForWorkEveryFiveSeconds() {
        var t = timers()
        t.polled(at: 100)
        #expect(!t.due(at: 104, holding: false, playing: false, idle: true).contains(.pollForWork))
        #expect(t.due(at: 105.1, holding: false, playing: false, idle: true).contains(.pollForWork))
        #expect(!t.due(at: 105.1, holding: false, playing: false, idle: false).contains(.pollForWork), "only when idle")
        t.polled(at: 105.1)
        #expect(!t.due(at: 108, holding: false, playing: false, idle: true).contains(.pollForWork))
    }
}

@Suite struct SpeakerMenuTests {
    func machine(typed: String = "") throws -> SessionMachine {
        SessionMachine(mode: .speakerMenu, sinceModeChange: 1, keys: try KeyMap(), speakers: ["Amina", "Juma"], typedSpeaker: typed)
    }

    @Test func aDigitPicksAKnownSpeakerUntilANameIsTyped() throws {
        #expect(try machine().command(for: .text("2")) == .setSpeaker("Juma"))
        #expect(try machine().command(for: .text("3")) == .editSpeaker(.insert("3")))
        #expect(try machine(typed: "Neema ").command(for: .text("2")) == .editSpeaker(.insert("2")))
        #expect(try machine(typed: " Neema ").command(for: .key(Key(.enter))) == .setSpeaker("Neema"))
        #expect(try machine().command(for: .key(Key(.enter))) == .say("Type a name, or a number from the list."))
        #expect(try machine().command(for: .key(Key(.escape))) == .mode(.working))
    }
}
