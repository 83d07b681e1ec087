import ArgumentParser

/// The `chorus` command: turns raw speech recordings into aligned speech and translation corpora.
public struct ChorusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "Turn raw speech recordings into clean, aligned, multilingual speech corpora, with people in the loop.",
        discussion: """
            Start with `chorus segment AUDIO... --dry-run` to cut recordings into utterances.
            Every command has --help with examples.
            """,
        version: "0.1.0",
        subcommands: [SegmentCommand.self]
    )

    public init() {}
}
