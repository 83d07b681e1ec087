import ChorusAudio
import ChorusIngest
import ChorusStore
import ChorusValidation
import Foundation

/// What an export did.
public struct ExportSummary: Sendable, Codable {
    public struct SplitFigure: Sendable, Codable, Equatable {
        public var split: String
        public var segments: Int
        public var seconds: Double
        public var speakers: Int
        public var recordings: Int
    }

    public var path: String
    public var formats: [String]
    public var splits: [SplitFigure]
    public var segments: Int
    public var seconds: Double
    /// Segments left out, by reason.
    public var leftOut: [String: Int]
    /// Recordings whose audio could not be read, with the reason (their segments are left out).
    public var failures: [String]
    /// Subtitle texts that do not fit the limits.
    public var warnings: [String]
    /// Formats asked for that had nothing to write, with the reason.
    public var notes: [String]
    public var sampleRate: Int
    public var audioFormat: String
}

/// `chorus export`: corpus from project, every format in one folder, checksummed, placed whole.
public enum Exporter {
    public static let version = "0.1.0"

    /// The audio settings clips are cut with: a partial folder cut with others starts afresh.
    static func settings(_ options: ExportOptions) -> String {
        Text.object([("sample_rate", String(options.sampleRate)), ("audio", Text.json(options.audioType.rawValue)),
                     ("keep_channels", options.keepChannels ? "true" : "false"), ("chorus", Text.json(version))])
    }

    /// Writes the corpus. With recordings that could not be read, what could be read is
    /// exported (exit 1 in the CLI), but an old corpus at `out` is never replaced by it: the
    /// new one is left in the partial folder, which the summary's `path` and `notes` name.
    /// - Throws: ``ExportError`` for a target that cannot be written, or when nothing is
    ///   settled for export and `allowEmpty` is false.
    public static func run(
        project: Project, options: ExportOptions, out: String, force: Bool, allowEmpty: Bool = false,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> ExportSummary {
        let snapshot = try project.store.snapshot(config: project.config)
        let report = ValidationReport.make(snapshot)
        let invalid = Set(report.findings.filter { $0.severity == .error }.compactMap(\.segment))
        // The target is checked before any split is fixed in the store.
        var protected = [project.folder] + snapshot.recordings.map { RecordingLocation.resolve($0.path, root: options.audioRoot, project: project.folder) }
        if let file = project.store.file { protected.append(file) }
        let output = try Output(target: out, settings: settings(options), force: force, protected: protected)
        var corpus = try Corpus.build(project: project, snapshot: snapshot, options: options, invalid: invalid)
        if corpus.utterances.isEmpty && !allowEmpty {
            let reasons = corpus.leftOut.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            throw ExportError(.nothingToExport, at: output.target, "nothing to export: no segment is settled for export\(reasons.isEmpty ? "" : " (left out: \(reasons))"); --allow-empty writes an empty corpus")
        }
        try output.prepare()
        var failures: [String] = []
        // A recording that is gone or changed since import is named and its segments left out:
        // clips cut from other content would not match the texts.
        let byID = Dictionary(uniqueKeysWithValues: snapshot.recordings.map { ($0.id, $0) })
        let used = corpus.recordings.compactMap { r in byID[r.id].map { ($0, r.path) } }
        let problems = RecordingCheck.run(used.map(\.0), paths: used.map(\.1), rehash: options.rehash)
        if !problems.isEmpty {
            let bad = Set(problems.map(\.recordingID))
            for p in problems {
                failures.append("\(p.path): \(p.message)")
                let n = corpus.utterances.filter { corpus.recordings[$0.recording].id == p.recordingID }.count
                corpus.leftOut[p.kind == .changed ? "recording changed since import" : "audio could not be read", default: 0] += n
            }
            corpus.utterances.removeAll { bad.contains(corpus.recordings[$0.recording].id) }
        }
        let audio = ExportFormat.audio(for: options)
        if audio.clips || audio.recordings {
            let total = (audio.clips ? corpus.utterances.count : 0) + (audio.recordings ? Set(corpus.utterances.map(\.recording)).count : 0)
            let counter = Counter()
            var failed: [Clips.Failure] = []
            if audio.recordings {
                failed += Clips.writeRecordings(&corpus, options: options, output: output) { n in progress?(counter.add(n), total) }
            }
            if audio.clips {
                failed += Clips.write(&corpus, options: options, output: output) { n in progress?(counter.add(n), total) }
            }
            let bad = Set(failed.map(\.recording))
            var named = Set<Int>()
            for f in failed where named.insert(f.recording).inserted { failures.append(f.message) }
            let dropped = corpus.utterances.filter { bad.contains($0.recording) }.count
            // Clips cut before a recording failed part-way go too: nothing points at them.
            for u in corpus.utterances where bad.contains(u.recording) { output.forget(u.audioPath) }
            for r in bad { output.forget(corpus.recordings[r].audioPath) }
            if dropped > 0 {
                corpus.utterances.removeAll { bad.contains($0.recording) }
                corpus.leftOut["audio could not be read", default: 0] += dropped
            }
        }
        if !audio.clips {
            for i in corpus.utterances.indices {
                corpus.utterances[i].frames = Int((corpus.utterances[i].duration * Double(options.sampleRate)).rounded())
            }
        }

        var context = ExportContext(corpus: corpus, options: options, output: output)
        for format in options.formats { try context.write(format) }
        if audio.clips && !ExportFormat.pointsAtClips(options) {
            // Only shards wanted the clips: they are in the shards, not also loose.
            for u in corpus.utterances { output.forget(u.audioPath) }
        }

        var summary = ExportSummary(
            path: output.target, formats: options.formats.map(\.rawValue),
            splits: Split.allCases.map { split in
                let us = corpus.utterances(in: split)
                return .init(split: split.rawValue, segments: us.count, seconds: us.reduce(0) { $0 + context.clipDuration($1) },
                             speakers: Set(us.map(\.speaker)).count, recordings: Set(us.map(\.recording)).count)
            },
            segments: corpus.utterances.count, seconds: corpus.utterances.reduce(0) { $0 + context.clipDuration($1) },
            leftOut: corpus.leftOut, failures: failures, warnings: context.warnings,
            notes: options.formats.filter { $0.writer.needsTargets && corpus.targetLanguages.isEmpty }
                .map { "\($0.rawValue): the project has no target languages, so there is nothing to write" },
            sampleRate: options.sampleRate, audioFormat: options.audioType.rawValue)
        let pay = try project.store.payReport(config: project.config)
        try output.write("README.md", Datasheet.render(corpus: corpus, context: context, summary: summary, report: report, pay: pay, options: options))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        summary.path = "."
        try output.write("export.json", try encoder.encode(summary))
        if !failures.isEmpty && output.replacesCorpus {
            // A corpus is replaced only by an export that succeeded.
            summary.path = output.partial
            summary.notes.append("the corpus at \(output.target) was kept; this incomplete export is in \(output.partial) (a rerun resumes it)")
            return summary
        }
        summary.path = output.target
        if let note = try output.finish() { summary.notes.append(note) }
        return summary
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add(_ n: Int) -> Int { lock.withLock { value += n; return value } }
}
