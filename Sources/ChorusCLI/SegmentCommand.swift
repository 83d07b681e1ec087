import ArgumentParser
import ChorusIngest
import ChorusSegmentation
import Foundation

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Split recordings into utterance-sized segments on silence.",
        discussion: """
            Reads WAV, FLAC, Ogg Vorbis, Opus, MP3 and every other format libsndfile reads, at any
            rate and channel count. Folders are walked recursively for audio files. With several
            files, all cores are used; a file that cannot be read is reported and the others go on,
            and the exit status is then 1.

            Without --dry-run, recordings are imported into the project (--project, default the
            current folder): each is identified by the SHA-256 of its bytes, so running again on
            the same files adds nothing; each recording is stored with its segments in one
            transaction.

            The manifest is JSON Lines, one segment per line, times in seconds; speech_start and
            speech_end are where speech was heard, start and end include the padding:
            {"file":"talk.wav","index":0,"start":0.48,"end":3.21,"duration":2.73,...}

            Examples:
            $ chorus segment recordings/ --project corpus
            $ chorus segment interview.flac --dry-run
            $ chorus segment recordings/ --dry-run --out segments.jsonl
            $ chorus segment field.wav --dry-run --channel 1 --min-silence 0.5 --max-segment 15
            $ chorus segment interviews/ --rttm diarization.rttm --project corpus

            Speakers: --metadata gives each recording a speaker (the default for its segments);
            --rttm gives each segment its own, from NIST RTTM as pyannote and NeMo write it
            (the file id is the recording's file name without extension). A segment gets the
            speaker whose turns cover most of its speech; one that holds two speakers' turns is
            cut at the change of speaker (in the middle of the gap or overlap), unless a side
            would hold under 0.5 s of speech, and is then counted in the summary. Labels are per
            recording unless --global-speakers: SPEAKER_00 in talk.wav is stored as
            talk/SPEAKER_00. On recordings already in the project, --rttm sets the speaker of
            each segment (no cuts), never replacing one a person set.
            """
    )

    @Argument(help: ArgumentHelp("Audio files or folders to segment.", valueName: "audio"))
    var paths: [String]

    @Flag(help: "Print the segment manifest instead of storing segments in a project.")
    var dryRun = false

    @OptionGroup var projectOptions: ProjectOptions

    @Option(help: ArgumentHelp("Write the manifest to this file (atomically) instead of standard output ('-' is standard output).", valueName: "file.jsonl"))
    var out: String?

    @Option(name: [.short, .long], parsing: .unconditional, help: ArgumentHelp("Files to segment at once. (default: all cores)", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("A CSV with a header: a 'file' column (path or file name), an optional 'speaker', any other columns kept as metadata.", valueName: "file.csv"))
    var metadata: String?

    @Option(help: ArgumentHelp("Speakers from diarization: a NIST RTTM file (repeat for several).", valueName: "file.rttm"))
    var rttm: [String] = []

    @Flag(help: "RTTM speaker labels name the same person in every recording (default: each recording's own).")
    var globalSpeakers = false

    @Flag(help: "Segment recordings already in the project again with these settings and replace their segments, unless those carry work.")
    var resegment = false

    @Flag(help: "Segment what decodes from files that are truncated (a recorder that died mid-take) or damaged part way, with a warning, instead of failing them.")
    var allowTruncated = false

    @Flag(help: "Print the summary as one JSON object instead of text (on standard output when --out names a file, else on standard error).")
    var json = false

    @Flag(name: [.short, .long], help: "No progress bar and no summary; errors are still printed.")
    var quiet = false

    @OptionGroup(title: "Segmentation")
    var segmenter: SegmenterOptions

    func validate() throws {
        if out != nil && !dryRun { throw ValidationError("--out writes a manifest: use it with --dry-run") }
        if resegment && dryRun { throw ValidationError("--resegment changes a project: it does not go with --dry-run") }
        if metadata != nil && dryRun { throw ValidationError("--metadata is stored in a project: it does not go with --dry-run") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if globalSpeakers && rttm.isEmpty { throw ValidationError("--global-speakers is about --rttm labels: give --rttm FILE") }
    }

    /// Files segmented at once: `--jobs`, or all cores.
    private var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    func run() throws {
        let console = Console()
        let (files, problems) = AudioPaths.expand(paths)
        var report = SegmentReport()
        for problem in problems {
            console.error("\(problem.path): \(problem.reason)")
            report.failures.append(problem.path)
        }
        let diarization = rttm.isEmpty ? nil : try Diarization(files: rttm, global: globalSpeakers)
        if let diarization {
            let unmatched = diarization.unmatched(files)
            if !unmatched.isEmpty {
                console.warning("\(rttm.joined(separator: ", ")): no recording named \(unmatched.prefix(5).joined(separator: ", "))\(unmatched.count > 5 ? " and \(unmatched.count - 5) more" : "") among the files given; their turns are not used")
            }
        }
        if dryRun {
            try writeManifest(files: files, diarization: diarization, report: &report, console: console)
        } else {
            try importIntoProject(files: files, diarization: diarization, report: &report, console: console)
        }
        if !report.failures.isEmpty { throw ExitCode.failure }
    }

    /// Imports into the project and prints what was added.
    private func importIntoProject(files: [String], diarization: Diarization?, report: inout SegmentReport, console: Console) throws {
        let project = try projectOptions.open()
        let table = try metadata.map(RecordingMetadata.init(path:))
        for warning in try table?.check(files: files) ?? [] { console.warning(warning) }
        let progress = ProgressBar(console: console, total: files.count, label: "importing", enabled: !quiet)
        var known: [String] = []
        ProjectImport.run(
            files: files, into: project, configuration: segmenter.configuration, allowTruncated: allowTruncated,
            resegment: resegment, metadata: table, diarization: diarization, jobs: workers, progress: { progress.update(done: $0) }
        ) { _, outcome in
            switch outcome {
            case .imported(let result, _), .resegmented(let result, _):
                report.add(result, console: console, progress: progress)
                if case .resegmented = outcome { report.resegmented.append(result.path) }
            case .known(let path, _, let changed):
                known.append(path)
                if changed { report.metadataChanged.append(path) }
            case .failed(let path, let reason):
                report.fail(path, reason, console: console, progress: progress)
            }
        }
        progress.clear()
        report.alreadyImported = known
        if !quiet { print(json ? report.json : report.text) }
    }

    /// Writes the manifest to standard output or `--out`.
    private func writeManifest(files: [String], diarization: Diarization?, report: inout SegmentReport, console: Console) throws {
        let output = try AtomicTextFile.open(out, inputs: files + rttm + (metadata.map { [$0] } ?? []))
        let progress = ProgressBar(console: console, total: files.count, label: "segmenting", enabled: !quiet)
        var writeError: Error?
        BatchSegmenter.run(
            files: files, configuration: segmenter.configuration, allowTruncated: allowTruncated,
            jobs: workers,
            progress: { progress.update(done: $0) }
        ) { _, outcome in
            switch outcome {
            case .failed(let path, let reason):
                report.fail(path, reason, console: console, progress: progress)
            case .segmented(var result):
                diarization?.apply(to: &result)
                report.add(result, console: console, progress: progress)
                // Line by line: a file's segments are held until it is known to be good, but
                // its manifest text never is, so memory does not grow with the length of a file.
                do {
                    for (index, segment) in result.segments.enumerated() {
                        let speaker = index < result.speakers.count ? result.speakers[index] : nil
                        try output.write(SegmentManifest.line(file: result.path, index: index, segment: segment, speaker: speaker) + "\n")
                    }
                } catch { writeError = writeError ?? error }
            }
        }
        progress.clear()
        if let writeError { throw writeError }
        try output.commit()
        if !quiet {
            // Standard output is the manifest's unless it went to a file.
            let summary = json ? report.json : report.text
            if !AtomicTextFile.isStandardOutput(out) { print(summary) } else { console.note(summary) }
        }
    }
}

/// Totals over a batch, for the closing summary.
struct SegmentReport {
    var files = 0
    var seconds = 0.0
    var speechSeconds = 0.0
    var segments = 0
    var noPause: [String] = []
    /// Files in which mains hum was heard, with its frequency.
    var mainsHum: [(path: String, hertz: Int)] = []
    var failures: [String] = []
    /// Files whose content a project already held (import only).
    var alreadyImported: [String]?
    /// Recordings segmented again (`--resegment`).
    var resegmented: [String] = []
    /// Recordings already in the project whose speaker or metadata this batch changed.
    var metadataChanged: [String] = []
    /// Segments given a speaker by --rttm, cut at a change of speaker, left holding two.
    var withSpeaker = 0
    var speakerCuts = 0
    var speakerOverlaps = 0

    /// Counts a file that went well, printing its warnings.
    mutating func add(_ result: FileSegmentation, console: Console, progress: ProgressBar) {
        for warning in result.warnings {
            progress.clear()
            console.warning("\(result.path): \(warning)")
        }
        add(result)
    }

    /// Counts and prints a file that failed.
    mutating func fail(_ path: String, _ reason: String, console: Console, progress: ProgressBar) {
        progress.clear()
        console.error("\(path): \(reason)")
        failures.append(path)
    }

    mutating func add(_ result: FileSegmentation) {
        files += 1
        seconds += result.summary.duration
        speechSeconds += result.summary.speechDuration
        segments += result.summary.segments
        if result.summary.noPauseFound { noPause.append(result.path) }
        if let hertz = result.summary.mainsHum { mainsHum.append((result.path, hertz)) }
        withSpeaker += result.speakers.compactMap { $0 }.count
        speakerCuts += result.speakerCuts
        speakerOverlaps += result.speakerOverlaps
    }

    var speechShare: Double { seconds > 0 ? speechSeconds / seconds : 0 }

    var text: String {
        var lines = [
            "\(alreadyImported == nil ? "segmented" : "imported") \(files) file\(files == 1 ? "" : "s"), \(String(format: "%.2f", seconds / 3600)) h of audio, into \(segments) segment\(segments == 1 ? "" : "s"); speech \(String(format: "%.1f", speechShare * 100))% of the audio"
        ]
        if withSpeaker > 0 || speakerCuts > 0 {
            lines.append("speakers from RTTM: \(withSpeaker) segment\(withSpeaker == 1 ? "" : "s"); \(speakerCuts) cut at a change of speaker; \(speakerOverlaps) holding two speakers (overlap or a turn under 0.5 s), given the one heard most")
        }
        if !resegmented.isEmpty {
            lines.append("segmented again, segments replaced: \(resegmented.count) file\(resegmented.count == 1 ? "" : "s")")
        }
        if let known = alreadyImported, !known.isEmpty {
            lines.append("already in the project, skipped: \(known.count) file\(known.count == 1 ? "" : "s")")
        }
        if !metadataChanged.isEmpty {
            lines.append("speaker or metadata changed: \(metadataChanged.count) recording\(metadataChanged.count == 1 ? "" : "s"): \(metadataChanged.map(OneLine.escape).joined(separator: ", "))")
        }
        if !noPause.isEmpty {
            lines.append("no pause found in \(noPause.count) file\(noPause.count == 1 ? "" : "s"): \(noPause.map(OneLine.escape).joined(separator: ", "))")
        }
        if !mainsHum.isEmpty {
            lines.append("mains hum heard in \(mainsHum.count) file\(mainsHum.count == 1 ? "" : "s"): \(mainsHum.map { "\(OneLine.escape($0.path)) (\($0.hertz) Hz)" }.joined(separator: ", "))")
        }
        if !failures.isEmpty {
            lines.append("failed: \(failures.count) file\(failures.count == 1 ? "" : "s"): \(failures.map(OneLine.escape).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    var json: String {
        func list(_ xs: [String]) -> String { "[" + xs.map(SegmentManifest.jsonString).joined(separator: ",") + "]" }
        return "{\"files\":\(files),\"audio_hours\":\(String(format: "%.4f", seconds / 3600)),\"segments\":\(segments)"
            + ",\"speech_share\":\(String(format: "%.4f", speechShare)),\"no_pause_found\":\(list(noPause))"
            + ",\"mains_hum\":[" + mainsHum.map { "{\"file\":\(SegmentManifest.jsonString($0.path)),\"hz\":\($0.hertz)}" }.joined(separator: ",") + "]"
            + ",\"speaker_segments\":\(withSpeaker),\"speaker_cuts\":\(speakerCuts),\"speaker_overlaps\":\(speakerOverlaps)"
            + (alreadyImported.map { ",\"already_imported\":\(list($0)),\"resegmented\":\(list(resegmented)),\"metadata_changed\":\(list(metadataChanged))" } ?? "")
            + ",\"failed\":\(list(failures))}"
    }
}
