import ArgumentParser
import ChorusIngest
import ChorusStore
import ChorusSupport
import ChorusValidation
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a project's alignment and agreement: every rule's findings, agreement figures, report.json and report.html.",
        discussion: """
            Runs every alignment check (timestamps, overlaps, durations, empty or malformed text, unknown tags, duplicates, speaking rate, duration and length-ratio outliers, missing or copied translations, numbers dropped in translation) and computes inter-annotator agreement (pairwise WER and CER between transcribers, chrF between translators, each annotator against the settled text, Krippendorff's alpha over skip reasons). Prints a summary and writes report.json and a self-contained report.html (inline SVG plots, no external assets). Exits 1 when any error (not a warning) is found, so a batch job can stop on it.

            Every recording's file is checked too: a missing file is an error, and so is one whose content changed since import. By default a file whose size and modification time are as they were at import is taken as unchanged, and only others are hashed again; --rehash hashes every file.

            Examples:
            $ chorus validate --project corpus
            $ chorus validate --project corpus --rehash
            $ chorus validate --project corpus --json > report.json
            """)

    @OptionGroup var projectOptions: ProjectOptions

    @Option(help: ArgumentHelp("Where to write report.json and report.html (default: the project folder).", valueName: "dir"))
    var out: String?

    @Flag(help: "Print the report as JSON instead of the summary.")
    var json = false

    @Flag(help: "Hash every recording again to prove its content is unchanged (slower; by default only files whose size or modification time changed are hashed).")
    var rehash = false

    @Option(help: ArgumentHelp("Where relative recording paths are found (default: the working directory, then the project folder).", valueName: "dir"))
    var audioRoot: String?

    func run() throws {
        let project = try projectOptions.open()
        let snapshot = try project.store.snapshot(config: project.config)
        let paths = snapshot.recordings.map { RecordingLocation.resolve($0.path, root: audioRoot, project: project.folder) }
        let files = RecordingCheck.run(snapshot.recordings, paths: paths, rehash: rehash).map { Finding.recordingFile(path: $0.path, problem: $0.message) }
        let report = ValidationReport.make(snapshot, recordingFiles: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(report)
        let folder = out ?? project.folder
        let path = folder + "/report.json", html = folder + "/report.html"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Replacement.write(data, to: path)
            try Replacement.write(Data(ReportHTML.render(report, title: (project.folder as NSString).lastPathComponent).utf8), to: html)
        } catch let error as ReplacementError {
            throw CLIError(error.message, location: error.path)
        } catch {
            throw CLIError("\(folder): cannot write the report: \(error.localizedDescription)")
        }
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(summary(report, path: path))
        }
        if report.errors > 0 { throw ExitCode.failure }
    }

    func summary(_ r: ValidationReport, path: String) -> String {
        var lines = ["segments \(r.segments), settled transcripts \(r.settled): \(r.errors) errors, \(r.warnings) warnings", ""]
        lines.append("rule                      severity  findings")
        for rule in r.rules {
            lines.append(rule.rule.padding(toLength: 26, withPad: " ", startingAt: 0) + rule.severity.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + String(rule.findings))
        }
        lines.append("")
        let a = r.agreement
        if let c = a.transcriptCER, let w = a.transcriptWER {
            lines.append(String(format: "transcribers: %d segments with two or more transcripts; mean pairwise CER %.3f (median %.3f), WER %.3f (median %.3f)", c.count, c.mean, c.median, w.mean, w.median))
        } else {
            lines.append("transcribers: no segment has two transcripts yet")
        }
        for (language, d) in a.translationChrF.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "translators (%@): %d pairs, mean chrF %.1f (median %.1f)", language, d.count, d.mean, d.median))
        }
        for p in a.annotators {
            lines.append(String(format: "  %@: %d texts, agreement with the settled text %.3f", p.annotator, p.texts, p.agreement))
        }
        if let alpha = a.skipReasonAlpha { lines.append(String(format: "skip reasons: Krippendorff's alpha (nominal) %.3f", alpha)) }
        for f in r.findings.filter({ $0.severity == .error }).prefix(20) {
            lines.append("error: \(f.rule): \(OneLine.escape(f.message))")
        }
        lines.append("report: \(path), \((path as NSString).deletingLastPathComponent)/report.html")
        return lines.joined(separator: "\n")
    }
}
