import ArgumentParser
import ChorusStore
import Foundation

struct AnnotatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotators",
        abstract: "Add, change and list the people who do tasks.",
        subcommands: [Add.self, Set.self, List.self, Invite.self, Revoke.self, Sessions.self, Audit.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an annotator.",
            discussion: """
                A rate is an amount in the project's currency per hour of active work, per minute
                of audio, or per task. --credit gives the name to credit them by in corpora;
                without it (or with --anonymous) they are counted but not named.

                Examples:
                $ chorus annotators add amina --languages sw,en --rate 12.50/hour --credit "Amina Hassan"
                $ chorus annotators add baraka --languages sw --rate 0.40/audio-minute --anonymous
                """
        )

        @Argument(help: ArgumentHelp("The name they sign in with (--as NAME).", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("Languages they work in, comma-separated BCP-47 tags.", valueName: "tags"))
        var languages: String

        @Option(help: ArgumentHelp("Pay: AMOUNT/hour, AMOUNT/audio-minute or AMOUNT/task.", valueName: "rate"))
        var rate: String?

        @Option(help: ArgumentHelp("The name to credit them by, with their consent.", valueName: "full name"))
        var credit: String?

        @Flag(help: "Do not name them in corpora (the default when --credit is not given).")
        var anonymous = false

        @Flag(help: "Never hand them segments someone flagged distressing.")
        var avoidDistressing = false

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print the annotator as JSON.")
        var json = false

        func validate() throws {
            if credit != nil && anonymous { throw ValidationError("--credit and --anonymous exclude each other") }
            _ = try tags()
        }

        func tags() throws -> [LanguageTag] {
            let registry = LanguageRegistry.load()
            do {
                return try languages.split(separator: ",").map { try LanguageTag(String($0).trimmingCharacters(in: .whitespaces), registry: registry) }
            } catch let error as ProjectError {
                throw ValidationError(error.message)
            }
        }

        func run() throws {
            let project = try projectOptions.open()
            var added = try project.store.addAnnotator(name: name, languages: try tags(), rate: rate, creditName: anonymous ? nil : credit)
            if avoidDistressing { added = try project.store.updateAnnotator(name: added.name, avoidDistressing: true) }
            if json { print(try encodeJSON(added)) } else { print("added \(added.name) (\(added.languages.map(\.value).joined(separator: ", ")))") }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a person's rate, consent to be credited, or opt-out of distressing content.",
            discussion: """
                Consent is the person's to give and to withdraw: --credit records the name they
                agreed to be credited by, --no-credit withdraws it (corpora exported from then on
                count them without naming them). --avoid-distressing means they are never handed a
                segment someone flagged distressing; --accept-distressing undoes it.

                Examples:
                $ chorus annotators set baraka --credit "Baraka Otieno"
                $ chorus annotators set amina --avoid-distressing
                $ chorus annotators set chausiku --rate 14/hour --no-credit
                """
        )

        @Argument(help: ArgumentHelp("The annotator.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("Pay: AMOUNT/hour, AMOUNT/audio-minute or AMOUNT/task.", valueName: "rate"))
        var rate: String?

        @Option(help: ArgumentHelp("The name to credit them by, with their consent.", valueName: "full name"))
        var credit: String?

        @Flag(help: "Withdraw consent to be named in corpora.")
        var noCredit = false

        @Flag(help: "Never hand them segments flagged distressing.")
        var avoidDistressing = false

        @Flag(help: "Hand them segments flagged distressing again (with the warning).")
        var acceptDistressing = false

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print the annotator as JSON.")
        var json = false

        func validate() throws {
            if credit != nil && noCredit { throw ValidationError("--credit and --no-credit exclude each other") }
            if avoidDistressing && acceptDistressing { throw ValidationError("--avoid-distressing and --accept-distressing exclude each other") }
            if rate == nil && credit == nil && !noCredit && !avoidDistressing && !acceptDistressing {
                throw ValidationError("nothing to change: give --rate, --credit, --no-credit, --avoid-distressing or --accept-distressing")
            }
        }

        func run() throws {
            let project = try projectOptions.open()
            let consent: String?? = noCredit ? .some(nil) : credit.map { .some($0) }
            let distressing: Bool? = avoidDistressing ? true : acceptDistressing ? false : nil
            let changed = try project.store.updateAnnotator(name: name, rate: rate, creditName: consent, avoidDistressing: distressing)
            if json { print(try encodeJSON(changed)) } else {
                var facts = [changed.creditName.map { "credited as \($0)" } ?? "not named in corpora"]
                if let r = changed.payRate { facts.append("\(r)/\(changed.payModel.rawValue)") }
                if changed.avoidDistressing { facts.append("avoids distressing content") }
                print("\(changed.name): " + facts.joined(separator: ", "))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the annotators.",
            discussion: """
                Examples:
                $ chorus annotators list
                $ chorus annotators list --json
                """
        )

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print JSON Lines, one annotator per line.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            let all = try project.store.annotators()
            for a in all {
                if json {
                    print(try encodeJSON(a))
                } else {
                    let pay = a.payRate.map { "\($0)/\(a.payModel.rawValue)" } ?? "no rate"
                    print("\(a.name)\t\(a.languages.map(\.value).joined(separator: ","))\t\(pay)\t\(a.creditName.map { "credit: \($0)" } ?? "anonymous")")
                }
            }
        }
    }
}
