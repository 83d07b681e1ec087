import ArgumentParser
import ChorusPlayback
import ChorusRemote
import ChorusStore
import ChorusTerminal
import Foundation

/// The options every annotation loop shares.
struct SessionArguments: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("The annotator (see `chorus annotators list`); through a server, the login's.", valueName: "name"))
    var annotator: String?

    @OptionGroup var projectOptions: ProjectOptions

    @Option(help: ArgumentHelp(
        "Work through chorus serve at this address, with the login `chorus login` saved (used without this option when --project is not a project folder).",
        valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp(
        "Where the sound goes: auto (ALSA's default device, or silence with a note on screen when there is none), alsa, player (the project's or --player command) or none.",
        valueName: "how"))
    var audio: AudioOutput = .auto

    @Option(help: ArgumentHelp("The ALSA device for --audio alsa.", valueName: "device"))
    var device: String = "default"

    @Option(help: ArgumentHelp(
        "An external player reading raw 32-bit float samples on standard input, with {rate} and {channels} filled in; overrides the project's player setting.",
        valueName: "command"))
    var player: String?

    @Option(help: ArgumentHelp(
        "Run this command on each clip ahead of time and start from its output; {audio} is a WAV of the clip, {text} the source text, {lang} the language. Overrides the project's draft_command.",
        valueName: "command"))
    var draftCommand: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds playback backs up when resumed after a pause, 0 to 5; overrides the project's rewind_on_resume.", valueName: "seconds"))
    var rewindOnResume: Double?

    @Flag(inversion: .prefixedNo, help: "Pause the audio while you type, resuming a second after the last key; overrides the project's pause_while_typing.")
    var pauseWhileTyping: Bool?

    @Option(help: ArgumentHelp("Append a JSON line per submission with the store time and the delay from Enter to the next clip's audio.", valueName: "file"))
    var timingLog: String?

    enum AudioOutput: String, ExpressibleByArgument, CaseIterable {
        case auto, alsa, player, none
    }

    func validate() throws {
        if let r = rewindOnResume, !(0...5).contains(r) { throw ValidationError("--rewind-on-resume must be between 0 and 5 seconds") }
    }

    /// Runs the loop on this machine's project, or through the server with the saved login.
    /// - Parameter language: for translation, the target as typed (resolved against the
    ///   project's languages).
    func run(kind: TaskKind, language: String? = nil) throws {
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" {
            throw CLIError("this screen needs a terminal that can move the cursor (TERM is 'dumb')")
        }
        if let login = try remoteLogin() {
            if draftCommand != nil { throw CLIError("--draft-command runs on the project's machine; it is not available through a server") }
            if let annotator, annotator != login.annotator {
                throw CLIError("--as \(annotator): this machine is logged in to \(login.server) as \(login.annotator); run chorus login again to work as someone else")
            }
            let remote = try remoteBackend(login)
            // Drafts and submissions are written to the journal first, then sent.
            let recovered = RemoteClips.dataFolder + "/recovered"
            let backend = try JournaledBackend(remote: remote, journal: RemoteClips.dataFolder + "/journal.sqlite", recoveryFolder: recovered)
            let clipFolder = RemoteClips.folder
            try session(config: backend.config, kind: kind, language: language, annotator: login.annotator) { options in
                try AnnotationSession(backend: backend, options: options, recoveryFolder: recovered, draftWork: nil,
                                      settingsFile: "the settings of \(login.server)") { request in
                    try RemoteClips.load(request, from: backend, into: clipFolder)
                }
            }
            return
        }
        let project = try projectOptions.open()
        guard let annotator else { throw CLIError("--as NAME: say who is working (see chorus annotators list)") }
        _ = try project.store.annotator(named: annotator)
        try session(config: project.config, kind: kind, language: language, annotator: annotator) { options in
            try AnnotationSession(project: project, options: options)
        }
    }

    func remoteLogin() throws -> SavedLogin? { try savedLogin(server: server, project: projectOptions.project) }

    private func session(config: ProjectConfig, kind: TaskKind, language typed: String?, annotator: String,
                         make: (SessionOptions) throws -> AnnotationSession) throws {
        var language = typed
        if kind == .translate, let to = typed {
            guard let target = config.targetLanguages.first(where: { $0.value == to || $0.language == to }) else {
                throw CLIError("--to \(to): the project translates into \(config.targetLanguages.map(\.value).joined(separator: ", ")), not \(to)")
            }
            language = target.value
        }
        let command = player ?? config.player
        let sink: SinkChoice
        switch audio {
        case .auto: sink = player != nil || !config.player.isEmpty ? .command(command) : .automatic
        case .alsa: sink = .alsa(device)
        case .player:
            guard !command.isEmpty else { throw CLIError("--audio player needs --player COMMAND or a player setting in chorus.yaml") }
            sink = .command(command)
        case .none: sink = .null
        }
        let drafts = draftCommand ?? (config.draftCommand.isEmpty ? nil : config.draftCommand)
        let options = SessionOptions(
            annotator: annotator, kind: kind, language: language, sink: sink, draftCommand: drafts,
            rewindOnResume: rewindOnResume ?? config.rewindOnResume,
            pauseWhileTyping: pauseWhileTyping ?? config.pauseWhileTyping,
            timingLog: timingLog, colour: ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let summary = try make(options).run()
        if let recovered = summary.recovered {
            FileHandle.standardError.write(Data("chorus: warning: the store would not take your draft (\(recovered.reason)); your text is kept in \(recovered.path)\n".utf8))
        }
        guard !summary.hungUp else { return }
        var line = "\(summary.submitted) submitted, \(summary.skipped) skipped, \(clock(summary.activeSeconds)) active."
        if let kept = summary.keptTask {
            line += " Task \(kept) is kept for you with your draft; it comes back when you start again."
        }
        if summary.waiting > 0 {
            line += " \(summary.waiting) submission\(summary.waiting == 1 ? " is" : "s are") saved on this machine and sent when the server answers (the next time you start)."
        }
        print(line)
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe segments in the terminal: the audio plays, you type, Enter submits and the next one plays.",
        discussion: """
            Keyboard only. Tab or Ctrl-Space replays, Ctrl-P (or Escape) pauses and resumes (backing up rewind_on_resume seconds), Ctrl-R/Ctrl-F seek seek_seconds back and ahead, F3/F4 change the speed (0.5× to 1.5×, pitch kept), Ctrl-L marks a loop, Ctrl-N plays context_seconds around the segment, Ctrl-D goes back to your submissions in this sitting to hear and amend them, Ctrl-B moves, splits or merges the segment, Ctrl-T inserts a tag, Ctrl-S skips with a reason, Ctrl-Z undoes, Ctrl-G lists every key, Ctrl-Q quits (asking first when text is unsent). Keys can be changed under keys: in chorus.yaml.

            What you type is saved as a draft while you type; quitting, a closed terminal or a crash brings the same draft back next time. With no sound device the audio plays silently and the screen says so.

            Examples:
            $ chorus transcribe --as amina --project corpus
            $ chorus transcribe --as amina --audio player --player 'pacat --raw --format=float32le --rate={rate} --channels={channels}'
            $ chorus transcribe --as amina --draft-command 'whisper-cli -m ggml-base.bin -l {lang} -nt -np -f {audio}'
            """)

    @OptionGroup var session: SessionArguments

    func run() throws { try session.run(kind: .transcribe) }
}

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate settled transcripts in the terminal, with the audio playing and the source text on screen.",
        discussion: """
            The same keys as chorus transcribe.

            Examples:
            $ chorus translate --as chausiku --to en --project corpus
            $ chorus translate --as chausiku --to en --draft-command 'argos-translate --from {source_lang} --to {lang} {text}'
            """)

    @OptionGroup var session: SessionArguments

    @Option(help: ArgumentHelp("The language to translate into: one of the project's target languages.", valueName: "lang"))
    var to: String

    func run() throws { try session.run(kind: .translate, language: to) }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Settle segments whose transcripts (or translations) disagree: pick a version or write a merged one.",
        discussion: """
            The competing versions are shown side by side with the words that differ highlighted, and the audio plays. Alt-1, Alt-2 ... copy a version into the editor; edit it if needed and press Enter: that text is settled, marked "adjudicated".

            Examples:
            $ chorus review --as chausiku --project corpus
            $ chorus review --as chausiku --language en
            """)

    @OptionGroup var session: SessionArguments

    @Option(help: ArgumentHelp("Only reviews in this language.", valueName: "lang"))
    var language: String?

    func validate() throws {
        if session.draftCommand != nil { throw ValidationError("--draft-command is for transcribe and translate; a review starts from the competing versions") }
    }

    func run() throws { try session.run(kind: .review, language: language) }
}
