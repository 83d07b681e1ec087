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

/// Audio the loop asks for: a task's segment or one of the person's own submissions, with
/// `context` seconds either side (0 for the segment alone).
public struct ClipRequest: Sendable {
    public enum Of: Sendable, Equatable { case task(Int64), submission(Int64) }
    public var of: Of
    /// The recording (a path here, or the clip's address on a server).
    public var recording: String
    public var start: Double
    public var end: Double
    public var context: Double

    public init(of: Of, recording: String, start: Double, end: Double, context: Double = 0) {
        self.of = of
        self.recording = recording
        self.start = start
        self.end = end
        self.context = context
    }

    /// The segment's audio from the recording on this machine.
    public func loadLocally() throws -> LoadedClip {
        let from = max(0, start - context)
        return LoadedClip(clip: try AudioClip.load(path: recording, start: from, end: end + context), from: from)
    }
}

/// A decoded clip and where its first sample is in the recording, seconds.
public struct LoadedClip: Sendable {
    public var clip: AudioClip
    public var from: Double

    public init(clip: AudioClip, from: Double) {
        self.clip = clip
        self.from = from
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
    /// Where a task's or a submission's audio comes from.
    let clips: @Sendable (ClipRequest) throws -> LoadedClip
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
    /// Today's worked time from the store, before the task on screen.
    private var workedBase = 0.0
    /// The tasks submitted in this sitting, for going back (the last 20).
    private var sittingTasks: [Int64] = []
    /// While amending: the current task's editor and clock, waiting; the amendment's own clock.
    private var stash: (editor: LineEditor, fromMachineDraft: Bool)?
    private var amendClock = ActiveClock()
    /// A submission's audio is in the player while the list of submissions is open.
    private var playedFromHistory = false

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
                clips: (@Sendable (ClipRequest) throws -> LoadedClip)? = nil) throws {
        self.options = options
        self.clips = clips ?? { request in try request.loadLocally() }
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
        view.seekSeconds = config.seekSeconds
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
        // Today's figures from the first screen on (the terms screen included).
        refreshProgress()
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
        // A task fetched ahead (through a server) was described before the last submission
        // arrived: ask again for the texts before it.
        if !first && !sittingTasks.isEmpty {
            let id = task.taskID
            store.async { [backend, mailbox] in
                if let fresh = try? backend.held(task: id) { mailbox.deliver(before: fresh.before, task: id) }
            }
        }
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

    /// Decodes the task's clip on the loader queue and hands it to the player, which starts at once.
    /// - Parameter context: seconds either side ("hear around", boundaries); the segment's part is marked.
    private func startAudio(_ task: ClaimedTask, context: Double = 0) {
        startAudio(ClipRequest(of: .task(task.taskID), recording: task.recording, start: task.start, end: task.end, context: context))
    }

    private func startAudio(_ request: ClipRequest, play: Bool = true) {
        let token = mailbox.nextClip()
        peakClip = []
        view.loadingAudio = true
        view.marks = nil
        view.clipFrom = max(0, request.start - request.context)
        loader.async { [player, mailbox, clips] in
            do {
                let loaded = try clips(request)
                guard mailbox.isCurrent(token) else { return }
                player.load(loaded.clip, play: play)
                mailbox.deliver(peaks: loaded.clip.peaks(columns: 1024), from: loaded.from, token: token)
            } catch {
                // Recordings are stored absolute; projects imported by early versions kept the
                // path `chorus segment` was given, relative to where it ran.
                let hint = request.recording.hasPrefix("/") || request.recording.hasPrefix("http") ? "" : " (the path is relative to the folder the recordings were imported from; start chorus there)"
                mailbox.post("cannot play this segment: \(error)\(hint)")
                mailbox.deliver(peaks: [], from: request.start, token: token)
            }
        }
        wantMarks = request.context > 0 ? (request.start, request.end) : nil
    }

    /// The segment's start and end in the recording, to mark on a clip with context.
    private var wantMarks: (Double, Double)?

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
        // Keys on a screen of the task count as work on it (or on the amendment open in it).
        if [.working, .warning, .boundaries, .skipMenu, .skipComment, .tagMenu, .speakerMenu].contains(view.mode) {
            if view.amending != nil { amendClock.event(at: now) } else { clock.event(at: now) }
        }
        var machine = SessionMachine(
            mode: view.mode, sinceModeChange: now - modeSince, keys: keys, versions: view.task?.sourceTexts.count ?? 0,
            tags: view.tags, speakers: view.task?.knownSpeakers ?? [], typedSpeaker: view.speakerName.text, breakAfterMinutes: config.breakAfterMinutes)
        machine.amending = view.amending != nil
        machine.unsentText = view.amending != nil || (touched && !view.editor.text.trimmingCharacters(in: .whitespaces).isEmpty)
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
        case .helpPage(let step):
            let pages = SessionScreen.helpPages(view, width: max(20, size.columns), rows: size.rows).count
            view.helpPage = min(max(0, view.helpPage + step), max(0, pages - 1))
        case .openHistory: openHistory()
        case .closeHistory:
            view.mode = .working
            // A settled submission played from the list: the segment's own audio again.
            if playedFromHistory, let task = view.task {
                playedFromHistory = false
                startAudio(task)
            }
        case .historyMove(let step): view.historyPick = min(max(0, view.historyPick + step), max(0, view.history.count - 1))
        case .openSubmission: openSubmission()
        case .leaveAmend: leaveAmend(message: "Not amended: the text you submitted stands.")
        case .openBoundaries: openBoundaries()
        case .nudge(let step): nudge(step)
        case .switchEdge:
            view.movingEnd.toggle()
            hearEdge()
        case .hearEdge: hearEdge()
        case .split: split()
        case .merge: editBoundaries(.merge)
        case .applyBoundaries: applyBoundaries()
        case .askSkipComment:
            view.comment = LineEditor()
            view.mode = .skipComment
        case .editComment(let change):
            view.comment.apply(change)
        case .skipWithComment: skip(.other, comment: view.comment.text)
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
            view.reason.apply(change)
        case .sendRejection: rejectVersion()
        case .editSpeaker(let change):
            view.speakerName.apply(change)
        case .setSpeaker(let name): setSpeaker(name)
        case .insertTag(let tag):
            edit { $0.insertTag(tag) }
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
        case .rewind: player.seek(by: -config.seekSeconds)
        case .forward: player.seek(by: config.seekSeconds)
        case .around: hearAround()
        case .timestamp:
            if config.timestamps {
                let stamp = ProjectConfig.timestamp(view.clipFrom + status.position)
                edit { $0.insertTag(stamp) }
            } else {
                flash("This project does not use timestamps (timestamps: true in chorus.yaml turns them on).", error: false)
            }
        case .back: openHistory()
        case .boundaries: openBoundaries()
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
        view.helpPage = 0
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
        if view.amending != nil { amend(); return }
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
            // The worked clock keeps its time at once; the store's figures follow (the count
            // of submissions is the store's: through a server it counts what has arrived).
            workedBase += clock.seconds
            sittingTasks.append(task.taskID)
            if sittingTasks.count > 20 { sittingTasks.removeFirst(sittingTasks.count - 20) }
            advance(after: backend.waiting > 0 ? "Submitted; kept on this machine and sent when the server answers again." : "Submitted.")
            storeMilliseconds = (Player.now() - now) * 1000
            if !result.counted {
                flash("Submitted. Your lease on the last segment had lapsed and someone else had it, so it is kept as an extra annotation.", error: false)
            } else if result.settled != nil {
                flash("Submitted; that segment is now settled.", error: false)
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

    private func skip(_ reason: SkipReason, comment: String? = nil) {
        guard let task = view.task else { return }
        do {
            let seconds = clock.seconds
            let comment = comment?.trimmingCharacters(in: .whitespaces)
            try store.sync { try backend.skip(task: task.taskID, reason: reason, comment: comment?.isEmpty == false ? comment : nil, activeSeconds: seconds) }
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
        // An amendment not sent is kept in a file: nothing typed is lost.
        if let amended = view.amending, view.editor.text != amended.text {
            summary.recovered = recover(
                view.editor.text, name: "amendment\(amended.annotationID)",
                header: "amendment of annotation \(amended.annotationID) · segment \(amended.segmentID) · \(amended.kind.rawValue) \(amended.language) · not sent: the submitted text stands",
                error: ProjectError(code: .invalidInput, message: "your amendment of segment \(amended.segmentID) was not sent before quitting"))
        }
        if let task = view.task {
            let text = currentDraft
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
        recover(text, name: "task\(task.taskID)",
                header: "task \(task.taskID) · segment \(task.segmentID) · \(task.recording) \(task.start)–\(task.end) s · \(task.kind.rawValue) \(task.language)",
                error: error)
    }

    /// Writes `text` under `header` to `<recovery folder>/ANNOTATOR-NAME-TIME.txt`.
    private func recover(_ text: String, name: String, header: String, error: Error) -> SessionSummary.Recovered? {
        let folder = recoveryFolder
        let stamp = Int(Date().timeIntervalSince1970)
        let path = folder + "/\(options.annotator)-\(name)-\(stamp).txt"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let body = header + "\n\(text)\n"
            try body.write(toFile: path, atomically: true, encoding: .utf8)
            return SessionSummary.Recovered(path: path, reason: "\(error)")
        } catch {
            return nil
        }
    }

    // MARK: Going back

    /// The current task's text: the editor's, or the one waiting while a submission is amended.
    private var currentDraft: String { stash?.editor.text ?? view.editor.text }

    /// Shows this sitting's submissions as the store has them now (settled or not).
    private func openHistory() {
        guard view.amending == nil else { return }
        do {
            let tasks = sittingTasks
            view.history = try store.sync { try backend.submissions(tasks: tasks) }
            view.historyPick = max(0, view.history.count - 1)
            view.mode = .history
        } catch {
            flash("Your submissions cannot be fetched now: \(error)", error: true)
        }
    }

    /// Opens the chosen submission: its audio plays, and its text is in the editor to amend
    /// while its segment is not settled; the current task's draft waits.
    private func openSubmission() {
        guard view.history.indices.contains(view.historyPick) else { return }
        let chosen = view.history[view.historyPick]
        let request = ClipRequest(of: .submission(chosen.annotationID), recording: chosen.recording, start: chosen.start, end: chosen.end)
        guard chosen.amendable else {
            startAudio(request)
            playedFromHistory = true
            flash("Segment \(chosen.segmentID) is \(chosen.settled ? "settled" : "a review"): its text can no longer change. Playing it.", error: false)
            return
        }
        let now = Player.now()
        clock.pause(at: now)
        stash = (view.editor, view.fromMachineDraft)
        playedFromHistory = false
        view.amending = chosen
        view.editor = LineEditor(text: chosen.text)
        view.fromMachineDraft = false
        amendClock = ActiveClock()
        amendClock.event(at: now)
        view.mode = .working
        startAudio(request)
    }

    /// Back to the current task, its draft as it was, its audio again.
    private func leaveAmend(message: String) {
        guard let waiting = stash else { return }
        amendClock.pause(at: Player.now())
        view.editor = waiting.editor
        view.fromMachineDraft = waiting.fromMachineDraft
        view.amending = nil
        stash = nil
        view.mode = .working
        clock.event(at: Player.now())
        if let task = view.task { startAudio(task) }
        flash(message, error: false)
    }

    /// Sends the amendment; the time spent on it is added to the submission's.
    private func amend() {
        guard let amended = view.amending else { return }
        let text = view.editor.text
        if text.trimmingCharacters(in: .whitespaces).isEmpty { flash("An amended text cannot be empty.", error: true); return }
        if let tag = config.unknownTag(in: text) {
            flash("\(tag) is not one of this project's tags: \(config.tags.joined(separator: " "))", error: true)
            return
        }
        amendClock.pause(at: Player.now())
        let seconds = amendClock.seconds
        do {
            let updated = try store.sync { try backend.amend(annotation: amended.annotationID, text: text, activeSeconds: seconds) }
            if let i = view.history.firstIndex(where: { $0.annotationID == updated.annotationID }) { view.history[i] = updated }
            // The context line above the editor shows the new text too.
            if let i = view.task?.before.firstIndex(where: { $0.segmentID == updated.segmentID && $0.whose == .yours }) {
                view.task?.before[i].text = updated.text
            }
            workedBase += seconds
            leaveAmend(message: "Amended your text of segment \(updated.segmentID).")
            refreshProgress()
        } catch {
            amendClock.event(at: Player.now())
            flash("Not amended, your text is still here: \(error)", error: true)
        }
    }

    // MARK: Hearing around, boundaries

    /// Plays the segment with `context_seconds` either side, the segment marked; again: the segment alone.
    private func hearAround() {
        guard let task = view.task else { return }
        if wantMarks != nil {
            startAudio(currentRequest(task, context: 0))
            flash("The segment alone again.", error: false)
        } else {
            startAudio(currentRequest(task, context: config.contextSeconds))
            flash("Hearing \(String(format: "%g", config.contextSeconds)) s either side; ┃ marks the segment.", error: false)
        }
    }

    /// The clip on screen: the amended submission's, or the task's.
    private func currentRequest(_ task: ClaimedTask, context: Double) -> ClipRequest {
        if let a = view.amending { return ClipRequest(of: .submission(a.annotationID), recording: a.recording, start: a.start, end: a.end, context: context) }
        return ClipRequest(of: .task(task.taskID), recording: task.recording, start: task.start, end: task.end, context: context)
    }

    private func openBoundaries() {
        guard let task = view.task else { return }
        guard task.kind == .transcribe else {
            flash("Boundaries are changed while transcribing; skip this segment as \"boundary wrong\" (\(keys.name(of: .skip))) and a transcriber's change will follow.", error: false)
            return
        }
        view.boundaryStart = task.start
        view.boundaryEnd = task.end
        view.movingEnd = false
        view.mode = .boundaries
        startAudio(currentRequest(task, context: config.contextSeconds), play: false)
        pendingEdge = true
    }

    /// The edge is heard once the clip with context has arrived.
    private var pendingEdge = false

    private func nudge(_ step: Double) {
        guard let task = view.task else { return }
        let clipEnd = view.clipFrom + player.status.duration
        func round(_ t: Double) -> Double { (t * 1000).rounded() / 1000 }
        if view.movingEnd {
            view.boundaryEnd = round(min(max(view.boundaryEnd + step, view.boundaryStart + WorkQueue.shortestSegment), max(task.end, clipEnd)))
        } else {
            view.boundaryStart = round(max(min(view.boundaryStart + step, view.boundaryEnd - WorkQueue.shortestSegment), min(task.start, view.clipFrom)))
        }
        wantMarks = (view.boundaryStart, view.boundaryEnd)
        hearEdge()
    }

    /// Plays a second and a half from the start, or up to the end.
    private func hearEdge() {
        let from = view.clipFrom
        if view.movingEnd {
            player.play(from: max(view.boundaryStart, view.boundaryEnd - 1.5) - from, to: view.boundaryEnd - from)
        } else {
            player.play(from: view.boundaryStart - from, to: min(view.boundaryEnd, view.boundaryStart + 1.5) - from)
        }
    }

    private func split() {
        let at = view.clipFrom + player.status.position
        editBoundaries(.split(at: at))
    }

    private func applyBoundaries() {
        guard let task = view.task else { return }
        var edits: [BoundaryEdit] = []
        if view.boundaryStart != task.start { edits.append(.start(view.boundaryStart)) }
        if view.boundaryEnd != task.end { edits.append(.end(view.boundaryEnd)) }
        guard !edits.isEmpty else {
            view.mode = .working
            startAudio(task)
            flash("Boundaries unchanged.", error: false)
            return
        }
        for edit in edits where !editBoundaries(edit) { return }
    }

    /// Changes the segment for everyone; the task on screen follows and its clip is reloaded.
    @discardableResult
    private func editBoundaries(_ edit: BoundaryEdit) -> Bool {
        guard let task = view.task else { return false }
        do {
            let result = try store.sync { try backend.editBoundaries(task: task.taskID, edit: edit) }
            view.task?.start = result.start
            view.task?.end = result.end
            view.mode = .working
            if let updated = view.task { startAudio(updated) }
            let marked = result.marked > 0 ? " \(result.marked) text\(result.marked == 1 ? "" : "s") written for the old boundaries \(result.marked == 1 ? "is" : "are") marked." : ""
            switch edit {
            case .split:
                flash("Split at \(SessionScreen.timestamp(result.end)): the rest is segment \(result.newSegmentID ?? 0), with its own tasks.\(marked)", error: false)
            case .merge:
                flash("Merged segment \(result.mergedSegmentID ?? 0) into this one: \(SessionScreen.timestamp(result.start))–\(SessionScreen.timestamp(result.end)).\(marked)", error: false)
            default:
                flash("Boundaries now \(SessionScreen.timestamp(result.start))–\(SessionScreen.timestamp(result.end)).\(marked)", error: false)
            }
            return true
        } catch {
            flash("Boundaries not changed: \(error)", error: true)
            return false
        }
    }

    // MARK: The clock

    private func tick() {
        let now = Player.now()
        let status = player.status
        let audible = ![.warning, .terms, .idle, .breakSuggested, .onBreak, .help].contains(view.mode)
        view.player = audible ? status : nil
        if view.mode == .working && status.playing {
            if view.amending != nil { amendClock.event(at: now) } else { clock.event(at: now) }
            noteActivity(at: now)
        }
        if let (peaks, from) = mailbox.takePeaks() {
            peakClip = peaks
            view.loadingAudio = false
            view.clipFrom = from
            if pendingEdge { pendingEdge = false; hearEdge() }
        }
        if view.mode == .boundaries { wantMarks = (view.boundaryStart, view.boundaryEnd) }
        view.marks = wantMarks.flatMap { w in view.loadingAudio ? nil : (w.0 - view.clipFrom)...(max(w.0, w.1) - view.clipFrom) }
        if let (task, before) = mailbox.takeBefore(), view.task?.taskID == task { view.task?.before = before }
        if let header = mailbox.takeHeader() {
            if let p = header.progress { (view.doneToday, workedBase, view.available) = p }
            if let earned = header.earned { view.earnedToday = earned }
        }
        // The worked clock ticks while working: today's submitted work and the task on screen.
        view.workedToday = workedBase + (view.task != nil ? clock.seconds : 0) + (view.amending != nil ? amendClock.seconds : 0)
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
                let text = currentDraft, seconds = clock.seconds
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
    private var peaks: (token: Int, peaks: [Double], from: Double)?
    private var message: String?
    private var header: Header?

    /// Today's figures for the header, fetched in the background.
    struct Header {
        var progress: (done: Int, worked: Double, available: Int)?
        /// The earnings line: nil inside when the person is not paid through Chorus.
        var earned: String??
    }

    func deliver(_ header: Header) { lock.withLock { self.header = header } }
    private var before: (task: Int64, lines: [ContextLine])?
    func deliver(before lines: [ContextLine], task: Int64) { lock.withLock { before = (task, lines) } }
    func takeBefore() -> (Int64, [ContextLine])? { lock.withLock { defer { before = nil }; return before.map { ($0.task, $0.lines) } } }
    func takeHeader() -> Header? { lock.withLock { defer { header = nil }; return header } }

    /// A new clip is on its way; older loads are now stale.
    func nextClip() -> Int { lock.withLock { clipToken += 1; return clipToken } }
    func isCurrent(_ token: Int) -> Bool { lock.withLock { clipToken == token } }
    func deliver(peaks: [Double], from: Double, token: Int) { lock.withLock { self.peaks = (token, peaks, from) } }
    func post(_ text: String) { lock.withLock { message = text } }

    /// The current clip's levels and where it starts in the recording, once.
    func takePeaks() -> ([Double], Double)? {
        lock.withLock {
            defer { peaks = nil }
            return peaks.flatMap { $0.token == clipToken ? ($0.peaks, $0.from) : nil }
        }
    }

    func takeMessage() -> String? { lock.withLock { defer { message = nil }; return message } }
}
