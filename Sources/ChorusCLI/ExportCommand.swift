import ArgumentParser
import ChorusAudio
import ChorusExport
import ChorusStore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Package the project's settled texts and their audio as a corpus in the formats the field loads.",
        discussion: """
            Formats: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")) (or all).
            Writes clips cut from the recordings (FLAC, 16 kHz mono by default, resampled with libsoxr), train/dev/test splits by duration that never put one speaker in two splits (each segment goes with its own speaker, so a conversation's speakers can differ) and never move a segment once exported, a README.md datasheet with a Hugging Face dataset card, export.json and SHA256SUMS. Only segments with a settled transcript and every translation, and no validation error, are exported unless asked; what is left out is counted with the reason. The corpus is written beside --out and renamed into place when complete; a rerun after a crash keeps the clips already cut. Every path inside it is relative: move or copy the folder as it is. TextGrid, ELAN and subtitles come with the whole recordings they align to (recordings/). webdataset and lhotse-shar pack the clips into tar shards of --shard-size.

            Examples:
            $ chorus export --project corpus --out dist/corpus --format all
            $ chorus export --out dist/asr --format nemo,kaldi,lhotse --sample-rate 16000
            $ chorus export --out dist/mt --format tmx,moses --include-untranslated --force
            $ chorus export --out dist/st --format mustc,kaldi --whole-recordings
            $ chorus export --out dist/shards --format webdataset,lhotse-shar --shard-size 1000
            """)

    @OptionGroup var projectOptions: ProjectOptions

    @Option(help: ArgumentHelp("The corpus folder to create.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Formats, comma-separated, or all.", valueName: "f[,f...]"))
    var format: String = "all"

    @Option(help: ArgumentHelp("Clip container: flac or wav (16-bit).", valueName: "type"))
    var audio: String = "flac"

    @Option(parsing: .unconditional, help: ArgumentHelp("Clip sample rate in Hz.", valueName: "hz"))
    var sampleRate: Int = 16_000

    @Flag(help: "Keep the recordings' channels instead of mixing down to mono.")
    var keepChannels = false

    @Flag(help: "Write each recording whole (resampled) and point NeMo, Kaldi, Lhotse, MuST-C and STM into it with offsets instead of cutting clips for them.")
    var wholeRecordings = false

    @Option(parsing: .unconditional, help: ArgumentHelp("The most megabytes in a WebDataset or Lhotse Shar shard.", valueName: "mb"))
    var shardSize = 256.0

    @Option(help: ArgumentHelp("Target percentages of duration for train, dev and test.", valueName: "t,d,t"))
    var split: String = "80,10,10"

    @Flag(help: "Also export segments whose translations are not all settled.")
    var includeUntranslated = false

    @Flag(help: "Also export segments chorus validate finds an error on.")
    var includeInvalid = false

    @Option(help: ArgumentHelp("Where relative recording paths are found (default: the working directory, then the project folder).", valueName: "dir"))
    var audioRoot: String?

    @Option(help: ArgumentHelp("The corpus licence for the datasheet, a Hugging Face licence id such as cc-by-4.0.", valueName: "id"))
    var license: String = "unknown"

    @Option(help: ArgumentHelp("The corpus name for the datasheet (default: the project folder's name).", valueName: "text"))
    var name: String?

    @Flag(help: "Replace a corpus already at --out: only the files an earlier export wrote, and only when this export succeeds.")
    var force = false

    @Flag(help: "Hash every recording again before cutting from it (by default only those whose size or modification time changed since import).")
    var rehash = false

    @Flag(help: "Write a corpus even when no segment is settled for export (else that is an error).")
    var allowEmpty = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func parsedFormats() throws -> [ExportFormat] {
        if format == "all" { return ExportFormat.allCases }
        var out: [ExportFormat] = []
        for name in format.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let f = ExportFormat.named(name) else {
                throw ValidationError("--format: unknown format '\(name)' (known: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), all)")
            }
            if !out.contains(f) { out.append(f) }
        }
        guard !out.isEmpty else { throw ValidationError("--format: name at least one format") }
        return out
    }

    func parsedSplit() throws -> [Split: Double] {
        let parts = split.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }), let sum = Optional(parts.reduce(0) { $0 + ($1 ?? 0) }), sum > 0 else {
            throw ValidationError("--split: three non-negative percentages for train, dev and test, like 80,10,10")
        }
        return [.train: parts[0]! / sum, .dev: parts[1]! / sum, .test: parts[2]! / sum]
    }

    func validate() throws {
        _ = try parsedFormats()
        _ = try parsedSplit()
        guard ["flac", "wav"].contains(audio) else { throw ValidationError("--audio: flac or wav") }
        guard (8_000...192_000).contains(sampleRate) else { throw ValidationError("--sample-rate: between 8000 and 192000 Hz") }
        guard (0.01...1_000_000).contains(shardSize) else { throw ValidationError("--shard-size: between 0.01 and 1000000 MB") }
    }

    func run() throws {
        let project = try projectOptions.open()
        var options = ExportOptions(formats: try parsedFormats(), name: name ?? URL(fileURLWithPath: project.folder).standardizedFileURL.lastPathComponent)
        options.audioType = audio == "wav" ? .wav : .flac
        options.sampleRate = sampleRate
        options.keepChannels = keepChannels
        options.wholeRecordings = wholeRecordings
        options.shardBytes = Int(shardSize * 1_048_576)
        options.proportions = try parsedSplit()
        options.includeUntranslated = includeUntranslated
        options.includeInvalid = includeInvalid
        options.audioRoot = audioRoot
        options.rehash = rehash
        options.license = license
        let console = Console()
        let bar = SharedProgress(console: console, label: options.wholeRecordings ? "audio" : "clips")
        let summary: ExportSummary
        do {
            summary = try Exporter.run(project: project, options: options, out: out, force: force, allowEmpty: allowEmpty) { done, total in bar.update(done, total) }
        } catch {
            bar.clear()
            throw error
        }
        bar.clear()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(text(summary))
        }
        for f in summary.failures { console.error(f) }
        for n in summary.notes { console.warning(n) }
        if !summary.warnings.isEmpty {
            console.warning("\(summary.warnings.count) subtitle texts do not fit the limits (listed in export.json), first: \(summary.warnings[0])")
        }
        if !summary.failures.isEmpty { throw ExitCode.failure }
    }

    func text(_ s: ExportSummary) -> String {
        var lines = [String(format: "exported %d segments, %.2f hours, as %@ to %@", s.segments, s.seconds / 3600, s.formats.joined(separator: ", "), s.path)]
        for f in s.splits {
            lines.append("  " + f.split.padding(toLength: 6, withPad: " ", startingAt: 0)
                + String(format: "%6d segments %8.2f h %4d speakers %4d recordings", f.segments, f.seconds / 3600, f.speakers, f.recordings))
        }
        for (reason, n) in s.leftOut.sorted(by: { $0.key < $1.key }) { lines.append("  left out: \(n) segment\(n == 1 ? "" : "s"), \(reason)") }
        return lines.joined(separator: "\n")
    }
}

/// The progress bar behind a lock, for updates from the clip-cutting threads.
final class SharedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let console: Console
    private var bar: ProgressBar?

    private let label: String

    init(console: Console, label: String) {
        self.console = console
        self.label = label
    }

    func update(_ done: Int, _ total: Int) {
        lock.withLock {
            if bar == nil { bar = ProgressBar(console: console, total: total, label: label) }
            bar?.update(done: done)
        }
    }

    func clear() { lock.withLock { bar?.clear() } }
}
