import ArgumentParser
import ChorusStore
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what a project holds and how far the work has come.",
        discussion: """
            Recordings and hours, segments, how many are finished (a settled transcript and every
            translation), tasks by kind and state, work per day, and each person's counts.

            Examples:
            $ chorus status --project corpus
            $ chorus status --project corpus --json
            """
    )

    @OptionGroup var projectOptions: ProjectOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let project = try projectOptions.open()
        let c = project.config
        let r = try project.store.report(targets: c.targetLanguages, source: c.sourceLanguage)
        if json {
            print(try encodeJSON(StatusJSON(project: project.folder, sourceLanguage: c.sourceLanguage.value, targetLanguages: c.targetLanguages.map(\.value), finishedShare: r.finished, report: r)))
            return
        }
        func hours(_ h: Double) -> String { String(format: "%.2f h", h) }
        print("project     \(project.folder)")
        print("languages   \(c.sourceLanguage) → \(c.targetLanguages.isEmpty ? "(transcription only)" : c.targetLanguages.map(\.value).joined(separator: ", "))")
        print("recordings  \(r.recordings) (\(hours(r.audioHours)))")
        print("segments    \(r.segments) (\(hours(r.segmentHours))); \(r.settledTranscripts) transcripts settled; \(r.finishedSegments) finished (\(String(format: "%.1f", r.finished * 100))%)")
        if !r.tasks.isEmpty {
            print("")
            print(row(["tasks", "language", "open", "leased", "done"]))
            for t in r.tasks { print(row([t.kind, t.language, "\(t.open)", "\(t.leased)", "\(t.done)"])) }
        }
        if !r.days.isEmpty {
            print("")
            print(row(["day (UTC)", "annotations", "active"]))
            for d in r.days { print(row([d.day, "\(d.annotations)", hours(d.activeHours)])) }
        }
        if !r.people.isEmpty {
            print("")
            print(row(["annotator", "transcribed", "translated", "reviewed", "skipped", "leased"]))
            for p in r.people { print(row([p.annotator, "\(p.transcribed)", "\(p.translated)", "\(p.reviewed)", "\(p.skipped)", "\(p.leased)"])) }
        }
    }

    private func row(_ cells: [String]) -> String {
        cells.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined().trimmingCharacters(in: .whitespaces)
    }
}

/// The JSON `chorus status --json` prints: the report's keys with the project's beside them.
private struct StatusJSON: Encodable {
    var project: String
    var sourceLanguage: String
    var targetLanguages: [String]
    var finishedShare: Double
    var report: ProjectReport

    enum CodingKeys: String, CodingKey { case project, sourceLanguage, targetLanguages, finishedShare }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(project, forKey: .project)
        try c.encode(sourceLanguage, forKey: .sourceLanguage)
        try c.encode(targetLanguages, forKey: .targetLanguages)
        try c.encode(finishedShare, forKey: .finishedShare)
    }
}
