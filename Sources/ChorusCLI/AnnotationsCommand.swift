import ArgumentParser
import ChorusStore
import Foundation

struct AnnotationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotations",
        abstract: "Import annotations made elsewhere, or export all of them, as JSON Lines.",
        subcommands: [Import.self, Export.self, Reject.self, Appeal.self, Appeals.self, Decide.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import annotations from a JSON Lines file, all or nothing.",
            discussion: """
                One object per line: "recording" (the path it was imported from) or
                "recording_sha256"; "start" and "end" in seconds (the segment overlapping them
                most), or "segment_id"; "kind" (transcribe, translate, review); "language"
                (default: the source language); "annotator" (an existing annotator); "text";
                optionally "active_seconds". A line with "machine_draft" (the system's name)
                instead of "annotator" is a machine's text to start from, handed out with the
                task (machine_draft in `chorus tasks claim --json`). Each other line fills an open task of its segment as if its
                annotator had done it in Chorus, so segments settle and translation tasks open as
                usual. The whole file is one transaction: a bad line (named with its field)
                leaves the project unchanged.

                Examples:
                $ chorus annotations import elsewhere.jsonl --project corpus
                {"recording":"talk.wav","start":1.2,"end":3.4,"kind":"transcribe","annotator":"amina","text":"Habari"}
                """
        )

        @Argument(help: ArgumentHelp("The JSON Lines file.", valueName: "file.jsonl"))
        var file: String

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print the outcome as JSON.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(file): cannot read as UTF-8 text")
            }
            let count = try project.work.importAnnotations(try AnnotationLine.parse(text, path: file), path: file)
            print(json ? "{\"imported\":\(count)}" : "imported \(count) annotation\(count == 1 ? "" : "s") from \(file)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every annotation as JSON Lines.",
            discussion: """
                The import keys plus annotation_id, task_id, counted (false for a late submission
                kept as an extra annotation), source (chorus or import) and submitted_at (seconds
                since 1970).

                Examples:
                $ chorus annotations export --project corpus > annotations.jsonl
                $ chorus annotations export --project corpus --out annotations.jsonl
                """
        )

        @Option(help: ArgumentHelp("Write to this file (atomically) instead of standard output ('-' is standard output).", valueName: "file.jsonl"))
        var out: String?

        @OptionGroup var projectOptions: ProjectOptions

        func run() throws {
            let project = try projectOptions.open()
            let lines = try project.work.exportAnnotations()
            let sink = try AtomicTextFile.open(out, inputs: project.ownFiles)
            for line in lines { try sink.write(line + "\n") }
            try sink.commit()
        }
    }
}
