import ArgumentParser
import ChorusStore
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what a project holds.",
        discussion: """
            Recordings and hours of audio, segments and their hours, and the languages.

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
        let counts: StoreCounts
        do { counts = try project.store.counts() } catch let error as ProjectError { throw CLIError(error.description) }
        let c = project.config
        if json {
            let targets = c.targetLanguages.map { "\"\($0)\"" }.joined(separator: ",")
            print("{\"project\":\(jsonString(project.folder)),\"source_language\":\"\(c.sourceLanguage)\",\"target_languages\":[\(targets)]"
                + ",\"recordings\":\(counts.recordings),\"audio_hours\":\(String(format: "%.4f", counts.audioSeconds / 3600))"
                + ",\"segments\":\(counts.segments),\"segment_hours\":\(String(format: "%.4f", counts.segmentSeconds / 3600))}")
        } else {
            print("project     \(project.folder)")
            print("languages   \(c.sourceLanguage) → \(c.targetLanguages.isEmpty ? "(transcription only)" : c.targetLanguages.map(\.value).joined(separator: ", "))")
            print("recordings  \(counts.recordings) (\(String(format: "%.2f", counts.audioSeconds / 3600)) h)")
            print("segments    \(counts.segments) (\(String(format: "%.2f", counts.segmentSeconds / 3600)) h)")
        }
    }
}
