import ArgumentParser
import ChorusSupport
import Foundation

/// The `chorus` command: turns raw speech recordings into aligned speech and translation corpora.
public struct ChorusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "Turn raw speech recordings into clean, aligned, multilingual speech corpora, with people in the loop.",
        discussion: """
            Examples:
            $ chorus init corpus --source-lang sw --target-lang en
            $ chorus segment recordings/ --project corpus
            $ chorus segment recordings/ --dry-run --out segments.jsonl

            Every command has --help with examples.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, SegmentCommand.self, AnnotatorsCommand.self, TranscribeCommand.self, TranslateCommand.self, ReviewCommand.self,
            ValidateCommand.self, ExportCommand.self, PayCommand.self, MeCommand.self, MetricsCommand.self, TasksCommand.self, AnnotationsCommand.self, StatusCommand.self,
            RecordingsCommand.self, SegmentsCommand.self, ServeCommand.self, LoginCommand.self, LogoutCommand.self,
        ]
    )

    public init() {}

    /// Parses the command line and runs the command. Errors the commands raise for a person to
    /// act on print as one `chorus: error:` line with exit status 1; usage errors as usual.
    public static func main() {
        StderrFilter.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any ChorusError {
            // Every module's error, printed once, here: one line, and its causes with --verbose.
            let console = Console()
            console.error("\(error)")
            if Console.verbose {
                for cause in underlyingChain(of: error) where cause != error.description {
                    for line in cause.split(separator: "\n") { console.note("chorus: cause: \(OneLine.escape(String(line)))") }
                }
            }
            Foundation.exit(1)
        } catch {
            // Usage errors, --help and --version (which ArgumentParser also raises from run()).
            exit(withError: error)
        }
    }
}
