import ArgumentParser

/// The `chorus` command: turns raw speech recordings into aligned speech and translation corpora.
public struct ChorusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "Turn raw speech recordings into clean, aligned, multilingual speech corpora, with people in the loop.",
        discussion: """
            Examples:
            $ chorus segment recordings/ --dry-run --out segments.jsonl
            $ chorus segment --help

            Every command has --help with examples.
            """,
        version: "0.1.0",
        subcommands: [SegmentCommand.self]
    )

    public init() {}
}
