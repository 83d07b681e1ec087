import ChorusPlayback
import ChorusStore
import Foundation

/// How a sitting at the annotation loop is set up.
public struct SessionOptions: Sendable {
    public var annotator: String
    public var kind: TaskKind
    /// For translation and review: only this language.
    public var language: String?
    public var sink: SinkChoice
    /// A machine-draft command (see ``MachineDrafter``); nil for none.
    public var draftCommand: String?
    /// Seconds playback backs up on resuming after a pause.
    public var rewindOnResume: Double
    /// Pause the audio while typing, resuming a second after the last key.
    public var pauseWhileTyping: Bool
    /// A file to append one JSON line per submission to: how long the store took and how long
    /// from Enter until the next segment's audio reached the sink.
    public var timingLog: String?
    public var colour: Bool

    public init(annotator: String, kind: TaskKind, language: String? = nil, sink: SinkChoice = .automatic,
                draftCommand: String? = nil, rewindOnResume: Double = 2, pauseWhileTyping: Bool = false,
                timingLog: String? = nil, colour: Bool = true) {
        self.rewindOnResume = rewindOnResume
        self.pauseWhileTyping = pauseWhileTyping
        self.annotator = annotator
        self.kind = kind
        self.language = language
        self.sink = sink
        self.draftCommand = draftCommand
        self.timingLog = timingLog
        self.colour = colour
    }
}

/// What a sitting did, for the line printed after the screen closes.
public struct SessionSummary: Sendable, Equatable {
    public var submitted = 0
    public var skipped = 0
    /// Active seconds on the tasks submitted in this sitting.
    public var activeSeconds = 0.0
    /// The task kept for this person with their draft, if they left one unfinished.
    public var keptTask: Int64?
    /// The terminal went away (SIGHUP or end of input): nothing more should be printed.
    public var hungUp = false
    /// Where the unsaved text went when the store could not take the draft, and why.
    public var recovered: Recovered?
    /// Submissions kept on this machine for a server that could not be reached, sent at the
    /// next start.
    public var waiting = 0

    public struct Recovered: Sendable, Equatable {
        public var path: String
        public var reason: String
    }
}

/// The full-screen player-and-type loop: claims a task, plays its clip as soon as it is on
/// screen, lets the person type, replay, slow down, skip or tag, and submits on Enter, then
/// the next one. Keys are read on the main thread and never wait for audio (its own thread),
/// clip decoding (a loader queue) or draft saving and lease renewal (a store queue).
public final class AnnotationSession {
    let options: SessionOptions
    /// Where every claim, draft, submission and the rest go: the project's store, or a server.
    let backend: any WorkBackend
    let config: ProjectConfig
    /// Where text the store would not take is written (`<project>/recovered`).
    let recoveryFolder: String
    /// The queue machine drafts are read from and written to, when this loop runs beside the store.
    let draftWork: WorkQueue?
    /// Where a task's audio comes from.
    let clips: @Sendable (ClaimedTask) throws -> AudioClip
    let keys: KeyMap
    private let store = DispatchQueue(label: "chorus-store")
    private let loader = DispatchQueue(label: "chorus-clip")
    private let mailbox = Mailbox()

    private var terminal: RawTerminal?
    private let player: Player
    private var drafter: MachineDrafter?
    private var view: SessionView {
        didSet { if view.mode != oldValue.mode { modeSince = Player.now() } }
    }
    /// When the screen's mode last changed: keys typed before a question appeared must not answer it.
    private var modeSince = 0.0
    private var clock = ActiveClock()
    private var decoder = KeyDecoder()
    private var summary = SessionSummary()
    private var quitting = false
    private var lastFrame = ""
    private var size = (rows: 24, columns: 80)
    private var peakClip: [Double] = []

    // Draft saving, lease renewal and the rest of the timing.
    private var timers: SessionTimers
    /// The id each task's submission carries, the same on every retry.
    private var submissionIDs: [Int64: String] = [:]
    private var touched = false
    private var helpReturn = SessionMode.working
    private var enterAt: Double?
    /// When the current stretch of work began, and the last sign of work (a key, audio).
    private var stretchStart = 0.0
    private var lastActive = 0.0
    private var storeMilliseconds = 0.0

    /// A loop over the project's own store.
    /// - Throws: ``TerminalError`` for key settings in chorus.yaml that cannot work.
    public convenience init(project: Project, options: SessionOptions) throws {
        try self.init(
            backend: LocalWorkBackend(project: project, annotator: options.annotator), options: options,
            recoveryFolder: project.folder + "/recovered", draftWork: project.work,
            settingsFile: "\(project.folder)/\(ProjectConfig.fileName)")
    }

    /// A loop over any backend.
    /// - Parameter settingsFile: named in errors about the key settings.
    /// - Throws: ``TerminalError`` for key settings that cannot work.
    /// - Parameter clips: how a task's audio is fetched (from the server, for a remote backend);
    ///   by default it is read from the recording on this machine.
    public init(backend: any WorkBackend, options: SessionOptions, recoveryFolder: String, draftWork: WorkQueue?, settingsFile: String,
                clips: (@Sendable (ClaimedTask) throws -> AudioClip)? = nil) throws {
        self.options = options
        self.clips = clips ?? { task in try AudioClip.load(path: task.recording, start: task.start, end: task.end) }
        self.backend = backend
        config = backend.config
        timers = SessionTimers(leaseSeconds: backend.config.leaseMinutes * 60)
        self.recoveryFolder = recoveryFolder
        self.draftWork = draftWork
        do { keys = try KeyMap(overrides: backend.config.keys) } catch let error as TerminalError {
            throw TerminalError(error.message, location: settingsFile + (error.location.map { ": " + $0 } ?? ""))
        }
        player = Player(sink: options.sink)
        let language = options.language ?? (options.kind == .translate ? config.targetLanguages.first?.value : nil) ?? config.sourceLanguage.value
        view = SessionView(annotator: options.annotator, kind: options.kind, language: language, keys: keys)
        view.tags = config.tags
        view.colour = options.colour
    }

    deinit {
        player.shutdown()
        drafter?.stop()
    }

    /// Takes over the terminal until the person quits, the terminal closes or a signal says stop.
    /// - Throws: ``TerminalError`` when there is no terminal; store errors that stop the start.
    public func run() throws -> SessionSummary {
        let terminal = try RawTerminal()
        self.terminal = terminal
        defer {
            player.shutdown()
            drafter?.stop()
            terminal.leave()
        }
        size = terminal.size
        if let command = options.draftCommand, !command.isEmpty, options.kind != .review, let draftWork {
            drafter = MachineDrafter(
                command: command, work: draftWork, kind: options.kind, language: view.language,
                sourceLanguage: config.sourceLanguage.value)
        }
        stretchStart = Player.now()
        lastActive = stretchStart
        if try store.sync(execute: { try backend.me() }).termsSeenAt == nil {
            view.terms = try store.sync { try backend.terms() }
            view.mode = .terms
        } else {
            try nextTask(first: true)
        }
        while !quitting {
            let (bytes, signals, hungUp) = terminal.wait(timeout: decoder.hasPending ? 0.03 : 0.1)
            for sig in signals {
                switch sig {
                case SIGWINCH: size = terminal.size; lastFrame = ""
                case SIGCONT: terminal.reenter(); lastFrame = ""
                default:
                    quit(hungUp: sig == SIGHUP)
                }
            }
            if hungUp { quit(hungUp: true) }
            if quitting { break }
            var events = decoder.feed(bytes)
            if bytes.isEmpty && decoder.hasPending { events += decoder.flush() }
            for event in events where !quitting { handle(event) }
            if !quitting { tick() }
            if !quitting { draw() }
        }
        return summary
    }

    // MARK: Tasks

    private func nextTask(first: Bool = false) throws {
        let now = Player.now()
        let task: ClaimedTask?
        do {
            task = try store.sync {
                if let held = try backend.resume(kind: options.kind, language: claimLanguage) { return held }
                return try backend.claim(kind: options.kind, language: claimLanguage)
            }
        } catch let error as ProjectError where error.code == .nothingToDo || error.code == .dailyCapReached {
            task = nil
            // The daily cap says so in words; an empty queue is the ordinary case.
            view.idleNote = error.code == .dailyCapReached ? error.message : nil
        }
        timers.polled(at: now)
        refreshProgress()
        guard let task else {
            view.task = nil
            view.mode = .idle
            player.load(nil)
            return
        }
        view.task = task
        view.editor = LineEditor(text: task.draft ?? task.machineDraft ?? "")
        view.fromMachineDraft = task.machineDraft != nil && (task.draft == nil || task.draft == task.machineDraft)
        clock = ActiveClock(carried: task.draftActiveSeconds ?? 0)
        clock.event(at: now)
        touched = task.draft != nil
        timers.newTask(at: now)
        if task.draft != nil && !first { view.message = "Your draft of this segment is back." }
        if first && task.draft != nil { view.message = "Welcome back: your draft is as you left it." }
        // Decisions about their work reach the person where they work.
        if first, let rejections = try? store.sync(execute: { try backend.rejections() }) {
            let open = rejections.filter { $0.appealID == nil }.count
            if open > 0 {
                view.message = "\(open) of your texts \(open == 1 ? "was" : "were") rejected with a reason: `chorus me --as \(options.annotator)` shows \(open == 1 ? "it" : "them"); you may appeal once."
            }
        }
        // A warned segment is held back until the person chooses to listen, unless they
        // already have (a draft of their own).
        if task.contentWarning && task.draft == nil {
            view.mode = .warning
            player.load(nil)
            peakClip = []
        } else {
            view.mode = .working
            startAudio(task)
        }
        if task.machineDraft == nil && task.draft == nil { drafter?.prioritize(task) }
    }

    /// The language to claim in: the translation's target, a review's language if one was
    /// asked for, any for transcription (the source language).
    private var claimLanguage: String? {
        switch options.kind {
        case .transcribe: nil
        case .translate: view.language
        case .review: options.language
        }
    }

    /// Decodes the clip on the loader queue and hands it to the player, which starts at once.
    private func startAudio(_ task: ClaimedTask) {
        let token = mailbox.nextClip()
        peakClip = []
        loader.async { [player, mailbox, clips] in
            do {
                let clip = try clips(task)
                guard mailbox.isCurrent(token) else { return }
                player.load(clip)
                mailbox.deliver(peaks: clip.peaks(columns: 1024), token: token)
            } catch {
                // Recordings are stored absolute; projects imported by early versions kept the
                // path `chorus segment` was given, relative to where it ran.
                let hint = task.recording.hasPrefix("/") ? "" : " (the path is relative to the folder the recordings were imported from; start chorus there)"
                mailbox.post("cannot play this segment: \(error)\(hint)")
            }
        }
    }

    /// Asks for today's progress and pay on the store queue; the answer reaches the header on
    /// a later tick, so the screen never waits on it (through a server it is two round trips).
    private func refreshProgress() {
        let since = Calendar.current.startOfDay(for: Date())
        let kind = options.kind, language = claimLanguage, config = config
        store.async { [backend, mailbox] in
            var header = Mailbox.Header()
            if let p = try? backend.progress(since: since, kind: kind, language: language) {
                header.progress = (p.done, p.activeSeconds, p.available)
            }
            // Pay, in the open: what today's work has earned under the person's pay model.
            let places = Currency.minorUnits(config.currency) ?? 2
            if let line = try? backend.pay(since: since) {
                header.earned = .some(line.model == .none ? nil : Money.format(line.earnings, places: places) + " " + config.currency)
            } else if let me = try? backend.me() {
                let paid = (me.payModel != .none && me.payRate != nil) || config.payModel != .none
                header.earned = .some(paid ? Money.format(0, places: places) + " " + config.currency : nil)
            }
            mailbox.deliver(header)
        }
    }

    // MARK: Keys

    private func handle(_ event: KeyEvent) {
        let now = Player.now()
        timers.key(at: now)
        noteActivity(at: now)
        if view.mode == .working || view.mode == .warning { clock.event(at: now) }
        let machine = SessionMachine(
            mode: view.mode, sinceModeChange: now - modeSince, keys: keys, versions: view.task?.sourceTexts.count ?? 0,
            tags: view.tags, speakers: view.task?.knownSpeakers ?? [], typedSpeaker: view.speakerName.text, breakAfterMinutes: config.breakAfterMinutes)
        guard let command = machine.command(for: event) else { return }
        if command != .quit {
            view.message = nil
            view.messageIsError = false
        }
        run(command)
    }

    /// Carries out what the machine decided.
    private func run(_ command: SessionCommand) {
        switch command {
        case .quit: quit(hungUp: false)
        case .acknowledgeTerms:
            do {
                try store.sync { try backend.acknowledgeTerms() }
                try nextTask(first: true)
            } catch {
                flash("\(error)", error: true)
            }
        case .takeBreak: view.mode = .onBreak
        case .carryOn(let message):
            stretchStart = timers.lastKey
            advance(after: message)
        case .closeHelp: view.mode = helpReturn
        case .showHelp: showHelp()
        case .listen: listen()
        case .skip(let reason): skip(reason)
        case .say(let message): view.message = message
        case .mode(let mode): view.mode = mode
        case .chooseRejected(let n):
            view.rejecting = n
            view.reason = LineEditor()
            view.mode = .rejectReason
        case .editReason(let change):
            switch change {
            case .insert(let text): view.reason.insert(text)
            case .deleteBackward: view.reason.deleteBackward()
            case .left: view.reason.moveLeft()
            case .right: view.reason.moveRight()
            }
        case .sendRejection: rejectVersion()
        case .editSpeaker(let change):
            switch change {
            case .insert(let text): view.speakerName.insert(text)
            case .deleteBackward: view.speakerName.deleteBackward()
            case .left: view.speakerName.moveLeft()
            case .right: view.speakerName.moveRight()
            }
        case .setSpeaker(let name): setSpeaker(name)
        case .insertTag(let tag):
            edit { $0.insert(($0.cursor > 0 && $0.characters[$0.cursor - 1] != " " ? " " : "") + tag + " ") }
            view.mode = .working
        case .type(let text):
            edit { $0.insert(text) }
            if options.pauseWhileTyping && player.status.playing {
                player.pause()
                timers.pausedForTyping(true)
            }
        case .perform(let action): perform(action)
        case .edit(let key): editKey(key)
        }
    }

    private func perform(_ action: Action) {
        let status = player.status
        switch action {
        case .submit: submit()
        case .replay: player.replay()
        case .pause:
            timers.pausedForTyping(false)
            player.toggle(rewind: options.rewindOnResume)
        case .rewind: player.seek(by: -2)
        case .forward: player.seek(by: 2)
        case .slower: player.setSpeed(status.speed - 0.1)
        case .faster: player.setSpeed(status.speed + 0.1)
        case .loop: player.markLoop()
        case .skip: view.mode = .skipMenu
        case .tag: view.mode = view.tags.isEmpty ? .working : .tagMenu
        case .speaker:
            view.speakerName = LineEditor()
            view.mode = .speakerMenu
        case .undo: edit { $0.undo() }
        case .redo: edit { $0.redo() }
        case .help: showHelp()
        case .quit: quit(hungUp: false)
        }
    }

    /// They chose to listen to a flagged segment: counted in their exposure to distressing content.
    private func listen() {
        guard let task = view.task else { return }
        view.mode = .working
        startAudio(task)
        store.async { [backend, mailbox] in
            do { try backend.sawFlaggedContent(task: task.taskID) } catch { mailbox.post("\(error)") }
        }
    }

    private func showHelp() {
        helpReturn = view.mode
        view.mode = .help
    }

    private func editKey(_ key: Key) {
        let width = max(2, size.columns - 2)
        let word = key.alt || key.ctrl
        switch key.base {
        case .left: edit { word ? $0.moveWordLeft() : $0.moveLeft() }
        case .right: edit { word ? $0.moveWordRight() : $0.moveRight() }
        case .up: edit { $0.moveRows(-1, width: width) }
        case .down: edit { $0.moveRows(1, width: width) }
        case .home: edit { $0.moveHome() }
        case .end: edit { $0.moveEnd() }
        case .backspace: edit { word ? $0.deleteWordBackward() : $0.deleteBackward() }
        case .delete: edit { word ? $0.deleteWordForward() : $0.deleteForward() }
        case .character(let c) where key.ctrl:
            switch c {
            case "a": edit { $0.moveHome() }
            case "e": edit { $0.moveEnd() }
            case "b": edit { $0.moveLeft() }
            case "f": edit { $0.moveRight() }
            case "w": edit { $0.deleteWordBackward() }
            case "k": edit { $0.deleteToEnd() }
            case "u": edit { $0.deleteToStart() }
            default: break
            }
        case .character(let c) where key.alt:
            if let n = c.wholeNumberValue, n >= 1, let task = view.task, task.kind == .review, n <= task.sourceTexts.count {
                edit { $0.replace(with: task.sourceTexts[n - 1]) }
            } else if c == "r", let task = view.task, task.kind == .review, !task.sourceAnnotationIDs.isEmpty {
                view.mode = .rejectPick
            } else if c == "b" {
                edit { $0.moveWordLeft() }
            } else if c == "f" {
                edit { $0.moveWordRight() }
            } else if c == "d" {
                edit { $0.deleteWordForward() }
            }
        default: break
        }
    }

    /// Applies an editor change; a change of text is a draft to save.
    private func edit(_ change: (inout LineEditor) -> Void) {
        let before = view.editor.text
        change(&view.editor)
        if view.editor.text != before {
            timers.edited(at: Player.now())
            touched = true
        }
    }

    // MARK: Submit, skip, quit

    private func submit() {
        guard let task = view.task else { return }
        let text = view.editor.text
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            flash("Type the text first, or skip the segment with \(keys.name(of: .skip)).", error: true)
            return
        }
        if let tag = config.unknownTag(in: text) {
            flash("\(tag) is not one of this project's tags: \(config.tags.joined(separator: " ")) (\(keys.name(of: .tag)) inserts one)", error: true)
            return
        }
        let now = Player.now()
        clock.pause(at: now)
        enterAt = now
        // One id per task's submission, kept across retries (Enter again after a failure).
        let submissionID = submissionIDs[task.taskID] ?? UUID().uuidString
        submissionIDs[task.taskID] = submissionID
        do {
            let result = try store.sync {
                try backend.submit(task: task.taskID, text: text, activeSeconds: clock.seconds, fromMachineDraft: view.fromMachineDraft,
                                   clientID: submissionID)
            }
            summary.submitted += 1
            summary.activeSeconds += clock.seconds
            advance(after: backend.waiting > 0 ? "Saved on this machine; it is sent when the server answers again." : "Saved.")
            storeMilliseconds = (Player.now() - now) * 1000
            if !result.counted {
                flash("Saved. Your lease on the last segment had lapsed and someone else had it, so it is kept as an extra annotation.", error: false)
            } else if result.settled != nil {
                flash("Saved; that segment is now settled.", error: false)
            }
        } catch {
            clock.event(at: now)
            enterAt = nil
            flash("Not submitted, your text is still here: \(error)", error: true)
        }
    }

    /// Moves on to the next task after a submission or a skip; if the store cannot hand one
    /// out, says so and waits as when the queue is empty (it is asked again every few seconds).
    private func advance(after done: String) {
        // Between tasks, after a long stretch: suggest a break before the next one plays.
        let now = Player.now()
        if SessionMachine.suggestsBreak(mode: view.mode, stretch: now - stretchStart, breakAfterMinutes: config.breakAfterMinutes) {
            view.task = nil
            player.load(nil)
            view.stretchMinutes = Int(((now - stretchStart) / 60).rounded())
            view.mode = .breakSuggested
            flash(done, error: false)
            return
        }
        do {
            try nextTask()
            flash(done, error: false)
        } catch {
            view.task = nil
            view.mode = .idle
            player.load(nil)
            flash("\(done) The next segment could not be fetched: \(error)", error: true)
        }
    }

    /// Review: rejects the chosen version with the typed reason; the review itself goes on.
    private func rejectVersion() {
        guard let task = view.task, (1...task.sourceAnnotationIDs.count).contains(view.rejecting) else { view.mode = .working; return }
        let reason = view.reason.text.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { flash("A rejection needs a reason its author can act on.", error: true); return }
        let id = task.sourceAnnotationIDs[view.rejecting - 1]
        do {
            try store.sync { try backend.reject(annotation: id, reason: reason) }
            view.mode = .working
            flash("Version \(view.rejecting) rejected; its author sees your reason and may appeal once.", error: false)
        } catch {
            flash("Not rejected: \(error)", error: true)
        }
    }

    /// A stretch of work ends after five minutes without a key or audio.
    private func noteActivity(at now: Double) {
        if view.mode == .onBreak { return }
        if now - lastActive >= 300 { stretchStart = now }
        lastActive = now
    }

    /// Sets the segment's speaker for everyone (it is the segment's, not this person's text).
    private func setSpeaker(_ name: String) {
        guard let task = view.task else { return }
        view.mode = .working
        do {
            try store.sync { try backend.setSpeaker(task: task.taskID, speaker: name) }
            view.task?.speaker = name
            if !(view.task?.knownSpeakers.contains(name) ?? true) { view.task?.knownSpeakers = ((view.task?.knownSpeakers ?? []) + [name]).sorted() }
            flash("Speaker set: \(name).", error: false)
        } catch {
            flash("\(error)", error: true)
        }
    }

    private func skip(_ reason: SkipReason) {
        guard let task = view.task else { return }
        do {
            let seconds = clock.seconds
            try store.sync { try backend.skip(task: task.taskID, reason: reason, activeSeconds: seconds) }
            summary.skipped += 1
            advance(after: "Skipped (\(SessionScreen.reasonLabel(reason).split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")).")
        } catch {
            view.mode = .working
            flash("Not skipped: \(error)", error: true)
        }
    }

    /// Saves the draft (or gives an untouched task back) and ends the loop.
    private func quit(hungUp: Bool) {
        guard !quitting else { return }
        quitting = true
        summary.hungUp = hungUp
        clock.pause(at: Player.now())
        if let task = view.task {
            let text = view.editor.text
            let seconds = clock.seconds
            do {
                try store.sync {
                    if text.trimmingCharacters(in: .whitespaces).isEmpty && !touched {
                        try backend.release(task: task.taskID)
                    } else {
                        try backend.saveDraft(task: task.taskID, text: text, activeSeconds: seconds)
                        summary.keptTask = task.taskID
                    }
                }
            } catch {
                // The store cannot take the draft (unreachable, say): keep the text in a file
                // in the project folder and say where, so nothing typed is lost.
                summary.keptTask = nil
                if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    summary.recovered = recover(text, task: task, error: error)
                }
            }
        }
        summary.waiting = store.sync { backend.finish() }
    }

    /// Writes text the store would not take to `<project>/recovered/`, named by annotator,
    /// task and time. Returns the file and the store's error.
    private func recover(_ text: String, task: ClaimedTask, error: Error) -> SessionSummary.Recovered? {
        let folder = recoveryFolder
        let stamp = Int(Date().timeIntervalSince1970)
        let path = folder + "/\(options.annotator)-task\(task.taskID)-\(stamp).txt"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let body = "task \(task.taskID) · segment \(task.segmentID) · \(task.recording) \(task.start)–\(task.end) s · \(task.kind.rawValue) \(task.language)\n\(text)\n"
            try body.write(toFile: path, atomically: true, encoding: .utf8)
            return SessionSummary.Recovered(path: path, reason: "\(error)")
        } catch {
            return nil
        }
    }

    // MARK: The clock

    private func tick() {
        let now = Player.now()
        let status = player.status
        let audible = [.working, .skipMenu, .tagMenu, .speakerMenu].contains(view.mode)
        view.player = audible ? status : nil
        if view.mode == .working && status.playing {
            clock.event(at: now)
            noteActivity(at: now)
        }
        if let peaks = mailbox.takePeaks() { peakClip = peaks }
        if let header = mailbox.takeHeader() {
            if let p = header.progress { (view.doneToday, view.workedToday, view.available) = p }
            if let earned = header.earned { view.earnedToday = earned }
        }
        // Work written down here and not yet delivered (a remote backend offline), and what
        // delivery in the background has to say.
        let waiting = backend.waiting
        if waiting < view.waiting { refreshProgress() }  // delivered: the header catches up
        view.waiting = waiting
        for notice in backend.takeNotices() { flash(notice, error: true) }
        if let message = mailbox.takeMessage() { flash(message, error: true) }
        view.peaks = audible ? Self.fold(peakClip, into: size.columns) : []
        for due in timers.due(at: now, holding: view.task != nil, playing: status.playing, idle: view.mode == .idle) {
            switch due {
            case .saveDraft:
                guard let task = view.task else { break }
                let text = view.editor.text, seconds = clock.seconds
                store.async { [backend, mailbox] in
                    do { try backend.saveDraft(task: task.taskID, text: text, activeSeconds: seconds) } catch {
                        mailbox.post("draft not saved: \(error)")
                    }
                }
            case .renewLease:
                guard let task = view.task else { break }
                store.async { [backend, mailbox] in
                    do { _ = try backend.renew(task: task.taskID) } catch {
                        mailbox.post("your lease on this segment lapsed; Enter still saves your text (\(error))")
                    }
                }
            case .resumeAudio: player.resume(rewind: options.rewindOnResume)
            case .pollForWork: try? nextTask()
            }
        }
        if let drafter, let task = view.task, view.editor.isEmpty && !touched, let text = drafter.result(for: task.segmentID) {
            view.editor.replace(with: text)
            view.fromMachineDraft = true
        }
        if let error = drafter?.takeError() { flash(error, error: true) }
        if let enter = enterAt {
            if let started = status.startedAt, started > enter {
                logTiming(enterToAudio: (started - enter) * 1000)
                enterAt = nil
            } else if view.mode != .working || now - enter > 5 {
                enterAt = nil
            }
        }
    }

    /// Peak levels folded into `columns` (the loudest of each group).
    static func fold(_ peaks: [Double], into columns: Int) -> [Double] {
        guard !peaks.isEmpty, columns > 0 else { return [] }
        return (0..<columns).map { c in
            let from = peaks.count * c / columns, to = max(from + 1, peaks.count * (c + 1) / columns)
            return peaks[from..<min(to, peaks.count)].max() ?? -120
        }
    }

    private func logTiming(enterToAudio: Double) {
        guard let path = options.timingLog else { return }
        let line = String(format: "{\"task\":%lld,\"store_ms\":%.2f,\"enter_to_audio_ms\":%.2f}\n", view.task?.taskID ?? 0, storeMilliseconds, enterToAudio)
        if let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }

    private func flash(_ text: String, error: Bool) {
        view.message = text
        view.messageIsError = error
    }

    // MARK: Drawing

    private func draw() {
        guard let terminal else { return }
        let frame = SessionScreen.render(view, rows: size.rows, columns: size.columns)
        var out = "\u{1B}[?25l\u{1B}[H"
        for (i, line) in frame.lines.enumerated() {
            out += line + "\u{1B}[K" + (i < frame.lines.count - 1 ? "\r\n" : "")
        }
        if let c = frame.cursor { out += "\u{1B}[\(c.row + 1);\(c.column + 1)H\u{1B}[?25h" }
        guard out != lastFrame else { return }
        lastFrame = out
        if !terminal.write(out) { quit(hungUp: true) }
    }
}

/// What background work hands back to the loop: the current clip's levels and messages.
private final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var clipToken = 0
    private var peaks: (token: Int, peaks: [Double])?
    private var message: String?
    private var header: Header?

    /// Today's figures for the header, fetched in the background.
    struct Header {
        var progress: (done: Int, worked: Double, available: Int)?
        /// The earnings line: nil inside when the person is not paid through Chorus.
        var earned: String??
    }

    func deliver(_ header: Header) { lock.withLock { self.header = header } }
    func takeHeader() -> Header? { lock.withLock { defer { header = nil }; return header } }

    /// A new clip is on its way; older loads are now stale.
    func nextClip() -> Int { lock.withLock { clipToken += 1; return clipToken } }
    func isCurrent(_ token: Int) -> Bool { lock.withLock { clipToken == token } }
    func deliver(peaks: [Double], token: Int) { lock.withLock { self.peaks = (token, peaks) } }
    func post(_ text: String) { lock.withLock { message = text } }

    func takePeaks() -> [Double]? {
        lock.withLock {
            defer { peaks = nil }
            return peaks.flatMap { $0.token == clipToken ? $0.peaks : nil }
        }
    }

    func takeMessage() -> String? { lock.withLock { defer { message = nil }; return message } }
}
