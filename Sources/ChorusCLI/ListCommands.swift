import ArgumentParser
import ChorusStore
import Foundation

/// `--recording` as people give it: the store id, the path (as imported, or relative to here),
/// the file name, or the file name without extension.
func recordingMatches(_ wanted: String, id: Int64, path: String) -> Bool {
    let name = (path as NSString).lastPathComponent
    return wanted == String(id) || wanted == path || URL(fileURLWithPath: wanted).standardizedFileURL.path == path
        || wanted == name || wanted == (name as NSString).deletingPathExtension
}

struct RecordingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recordings",
        abstract: "See the project's recordings.",
        subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the recordings: id, file, duration, speakers, segments and how many settled.",
            discussion: """
                The speaker column is the recording's own (from --metadata), the default for its
                segments; speakers lists every speaker of its segments (from RTTM, import lines or
                the loop).

                Examples:
                $ chorus recordings list
                $ chorus recordings list --json
                """)

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print JSON Lines, one recording per line.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            for r in try project.store.recordingListing(sourceLanguage: project.config.sourceLanguage.value) {
                if json {
                    print(try encodeJSON(r))
                } else {
                    let speakers = r.speakers.isEmpty ? "no speaker" : r.speakers.map(OneLine.escape).joined(separator: ", ")
                    print("\(r.recordingID)\t\(OneLine.escape((r.path as NSString).lastPathComponent))\t\(String(format: "%.1f s", r.duration))\t\(r.segments) segments, \(r.settled) settled\t\(speakers)")
                }
            }
        }
    }
}

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "See the project's segments.",
        subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List segments: id, recording, times, speaker, state and settled text.",
            discussion: """
                State: open (no work yet), in-progress, review (transcribers disagreed), settled.
                The JSON lines carry segment_id, start, end and speaker, the keys an
                `annotations import` line takes, so a script can write speakers or texts back.

                Examples:
                $ chorus segments list --recording interview.flac
                $ chorus segments list --speaker Amina --state settled
                $ chorus segments list --json > segments.jsonl
                """)

        @OptionGroup var projectOptions: ProjectOptions

        @Option(help: ArgumentHelp("Only this recording: its id, path, file name or name without extension.", valueName: "recording"))
        var recording: String?

        @Option(help: ArgumentHelp("Only segments of this speaker (their own, or their recording's).", valueName: "name"))
        var speaker: String?

        @Option(help: ArgumentHelp("Only segments in this state: open, in-progress, review or settled.", valueName: "state"))
        var state: String?

        @Flag(help: "Print JSON Lines, one segment per line.")
        var json = false

        func validate() throws {
            if let state, SegmentListing.State(rawValue: state) == nil {
                throw ValidationError("--state: open, in-progress, review or settled")
            }
        }

        func run() throws {
            let project = try projectOptions.open()
            var all = try project.store.segmentListing(sourceLanguage: project.config.sourceLanguage.value)
            if let recording {
                all = all.filter { recordingMatches(recording, id: $0.recordingID, path: $0.recording) }
                if all.isEmpty, try !project.store.recordings().contains(where: { recordingMatches(recording, id: $0.id, path: $0.path) }) {
                    throw ProjectError(code: .notFound, message: "no recording '\(recording)' in the project (see chorus recordings list)")
                }
            }
            if let speaker { all = all.filter { $0.speaker == speaker } }
            if let state { all = all.filter { $0.state.rawValue == state } }
            for s in all {
                if json {
                    print(try encodeJSON(s))
                } else {
                    let times = String(format: "%.3f-%.3f", s.start, s.end)
                    print("\(s.segmentID)\t\(OneLine.escape((s.recording as NSString).lastPathComponent))\t\(times)\t\(s.speaker.map(OneLine.escape) ?? "-")\t\(s.state.rawValue)\t\(s.text.map(OneLine.escape) ?? "")")
                }
            }
        }
    }
}
