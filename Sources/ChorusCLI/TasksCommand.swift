import ArgumentParser
import ChorusStore
import Foundation

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Claim, submit, skip and release tasks: the work queue for scripts and other front ends.",
        discussion: """
            A claimed task is leased to its annotator for the project's lease time (lease_minutes
            in chorus.yaml); a lapsed lease goes back to the pool. A submission after the lease
            lapsed is still kept: it counts if nobody else took the task, and is stored as an
            extra annotation if somebody did.

            Examples:
            $ chorus tasks claim --as amina --json
            $ chorus tasks submit 17 --as amina --text "Habari za asubuhi."
            $ chorus tasks skip 18 --as amina --reason distressing
            $ chorus tasks release 19 --as amina
            """,
        subcommands: [Claim.self, Submit.self, Skip.self, Release.self, Renew.self]
    )

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lease the next task this person can do.")

        @Option(name: .customLong("as"), help: ArgumentHelp("The annotator.", valueName: "name"))
        var annotator: String

        @Option(help: ArgumentHelp("Only this kind: transcribe, translate or review.", valueName: "kind"))
        var kind: TaskKind?

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print the task as JSON.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            let task = try project.work.claim(as: annotator, kind: kind)
            if json {
                print(try encodeJSON(task))
            } else {
                print("task \(task.taskID): \(task.kind.rawValue) (\(task.language)) \(task.recording) \(String(format: "%.2f–%.2f s", task.start, task.end))\(task.contentWarning ? " [content warning]" : "")")
            }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit the text for a task.")

        @OptionGroup var target: TaskArguments

        @Option(parsing: .unconditional, help: ArgumentHelp("The transcript or translation (it may start with a dash).", valueName: "text"))
        var text: String?

        @Option(help: ArgumentHelp("Read the text from this UTF-8 file.", valueName: "file"))
        var textFile: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds of active work on it, when known.", valueName: "seconds"))
        var activeSeconds: Double?

        @Flag(help: "The text started from the task's machine draft.")
        var fromMachineDraft = false

        func validate() throws {
            if (text == nil) == (textFile == nil) { throw ValidationError("give the text with exactly one of --text or --text-file") }
        }

        func run() throws {
            let (project, task, annotator, json) = try target.resolve()
            var body = text ?? ""
            if let textFile {
                guard let data = FileManager.default.contents(atPath: textFile), let s = String(data: data, encoding: .utf8) else {
                    throw CLIError("\(textFile): cannot read as UTF-8 text")
                }
                body = s
            }
            let result = try project.work.submit(task: task, as: annotator, text: body, activeSeconds: activeSeconds, fromMachineDraft: fromMachineDraft)
            if json {
                print(try encodeJSON(result))
            } else {
                print(result.counted ? "task \(task) done" : "task \(task) was taken by someone else after your lease lapsed; your text is kept as an extra annotation")
                if let settled = result.settled { print("settled: \(settled)") }
            }
        }
    }

    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a task back with a reason; never held against anyone.",
            discussion: "Reasons: no-speech, unintelligible, wrong-language, distressing, boundary-wrong (the segment starts or ends mid-word, or holds two utterances), other. 'distressing' puts a content warning on the segment for whoever comes next.")

        @OptionGroup var target: TaskArguments

        @Option(help: ArgumentHelp("Why.", valueName: "reason"))
        var reason: SkipReason

        @Option(help: ArgumentHelp("A note for the reviewers.", valueName: "text"))
        var comment: String?

        func run() throws {
            let (project, task, annotator, json) = try target.resolve()
            try project.work.skip(task: task, as: annotator, reason: reason, comment: comment)
            print(json ? "{\"task_id\":\(task),\"skipped\":true,\"reason\":\"\(reason.rawValue)\"}" : "task \(task) given back (\(reason.rawValue))")
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a task back to the pool undone; the draft is kept.")

        @OptionGroup var target: TaskArguments

        func run() throws {
            let (project, task, annotator, json) = try target.resolve()
            try project.work.release(task: task, as: annotator)
            print(json ? "{\"task_id\":\(task),\"released\":true}" : "task \(task) released")
        }
    }

    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extend the lease on a task by the project's lease time.")

        @OptionGroup var target: TaskArguments

        func run() throws {
            let (project, task, annotator, json) = try target.resolve()
            let expires = try project.work.renew(task: task, as: annotator)
            print(json ? "{\"task_id\":\(task),\"lease_expires\":\(expires)}" : "task \(task) leased until \(Date(timeIntervalSince1970: expires))")
        }
    }
}

/// What every command on one task takes: the task, who acts, the project, and `--json`.
struct TaskArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The task.", valueName: "task-id"))
    var task: Int64

    @Option(name: .customLong("as"), help: ArgumentHelp("The annotator.", valueName: "name"))
    var annotator: String

    @OptionGroup var projectOptions: ProjectOptions

    @Flag(help: "Print the outcome as JSON.")
    var json = false

    func resolve() throws -> (Project, Int64, String, Bool) {
        (try projectOptions.open(), task, annotator, json)
    }
}

extension TaskKind: ExpressibleByArgument {}
extension SkipReason: ExpressibleByArgument {}
