import ArgumentParser
import ChorusRemote
import ChorusStore
import ChorusValidation
import Foundation

extension AnnotationsCommand {
    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject someone's text, with a reason they will see.",
            discussion: """
                The author sees the reason in `chorus me` and may appeal once; the appeal goes to a reviewer who is neither the author nor you. Rejected work is still paid unless the project's pay_rejected_work is false and the author had been shown that.

                Examples:
                $ chorus annotations reject 42 --as chausiku --reason "the second sentence is missing"
                """)

        @Argument(help: ArgumentHelp("The annotation id (chorus annotations export shows them).", valueName: "id"))
        var annotation: Int64

        @Option(help: ArgumentHelp("The reviewer.", valueName: "name"))
        var `as`: String

        @Option(help: ArgumentHelp("Why, in words the author can act on.", valueName: "text"))
        var reason: String

        @OptionGroup var projectOptions: ProjectOptions

        func run() throws {
            let project = try projectOptions.open()
            _ = try project.store.reject(annotation: annotation, as: `as`, reason: reason)
            print("rejected annotation \(annotation); its author sees the reason and may appeal once")
        }
    }

    struct Appeal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Appeal a rejection of your text, once, with a comment.",
            discussion: """
                Examples:
                $ chorus annotations appeal 42 --as amina --comment "the speaker says it twice; listen at 0:03"
                $ chorus annotations appeal 42 --comment "..."      # on your own machine, after chorus login
                """)

        @Argument(help: ArgumentHelp("Your rejected annotation's id (chorus me shows it).", valueName: "id"))
        var annotation: Int64

        @Option(help: ArgumentHelp("You, the author (through a server, the login's).", valueName: "name"))
        var `as`: String?

        @Option(help: ArgumentHelp("Your case, for the reviewer who decides.", valueName: "text"))
        var comment: String

        @OptionGroup var projectOptions: ProjectOptions

        @Option(help: ArgumentHelp("Through chorus serve at this address, with the saved login.", valueName: "url"))
        var server: String?

        func run() throws {
            if let login = try savedLogin(server: server, project: projectOptions.project) {
                try remoteBackend(login).appeal(annotation: annotation, comment: comment)
                print("appeal filed; a reviewer who is neither you nor who rejected it will decide")
                return
            }
            guard let name = `as` else { throw CLIError("--as NAME: say who you are (the author)") }
            let project = try projectOptions.open()
            let id = try project.store.appeal(annotation: annotation, as: name, comment: comment)
            print("appeal \(id) filed; a reviewer who is neither you nor who rejected it will decide")
        }
    }

    struct Appeals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the open appeals you may decide (never your own text, never one you rejected).",
            discussion: """
                Examples:
                $ chorus annotations appeals --as baraka
                """)

        @Option(help: ArgumentHelp("The reviewer.", valueName: "name"))
        var `as`: String

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print JSON Lines, one appeal per line.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            let appeals = try project.store.openAppeals(for: `as`)
            if json {
                for a in appeals { print(try encodeJSON(a).replacingOccurrences(of: "\n", with: "")) }
                return
            }
            if appeals.isEmpty { print("no open appeals for \(`as`)") }
            for a in appeals {
                print("appeal \(a.id): annotation \(a.annotationID) by \(a.author), rejected by \(a.rejectedBy): \(a.reason)")
                print("  text:    \(a.text)")
                print("  comment: \(a.comment)")
            }
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide an appeal: uphold the rejection or overturn it, with a reason.",
            discussion: """
                Examples:
                $ chorus annotations decide 3 --as baraka --overturn --reason "the repetition is in the audio"
                $ chorus annotations decide 4 --as baraka --uphold --reason "the text is from the next segment"
                """)

        @Argument(help: ArgumentHelp("The appeal id (chorus annotations appeals shows them).", valueName: "id"))
        var appeal: Int64

        @Option(help: ArgumentHelp("The reviewer deciding.", valueName: "name"))
        var `as`: String

        @Flag(help: "The rejection stands.")
        var uphold = false

        @Flag(help: "The rejection is withdrawn: the work counts as accepted and is paid.")
        var overturn = false

        @Option(help: ArgumentHelp("Why, for the author.", valueName: "text"))
        var reason: String

        @OptionGroup var projectOptions: ProjectOptions

        func validate() throws {
            if uphold == overturn { throw ValidationError("give exactly one of --uphold and --overturn") }
        }

        func run() throws {
            let project = try projectOptions.open()
            try project.store.decide(appeal: appeal, as: `as`, overturn: overturn, reason: reason)
            print("appeal \(appeal) \(overturn ? "overturned" : "upheld")")
        }
    }
}
