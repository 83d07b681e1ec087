import ArgumentParser
import ChorusStore
import Foundation

// Who may work through `chorus serve`: invites, revoking, sessions and the audit log. The
// owner runs these on the project's machine; there is no admin endpoint.

extension AnnotatorsCommand {
    struct Invite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a one-time code a person exchanges for a token to work through chorus serve.",
            discussion: """
                The code is shown once (the store keeps only its SHA-256) and works once, until it
                expires; a new invite replaces their earlier unused one. On their machine they run
                chorus login URL --invite CODE (or exchange it at POST /v1/login). Give it to them
                by a channel you trust.

                Examples:
                $ chorus annotators invite amina
                $ chorus annotators invite baraka --expires-in 2 --json
                """
        )

        @Argument(help: ArgumentHelp("The annotator (added with `chorus annotators add`).", valueName: "name"))
        var name: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Hours until the code stops working (at most 720).", valueName: "hours"))
        var expiresIn: Double = 24

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print the invite as JSON.")
        var json = false

        func validate() throws {
            guard expiresIn.isFinite, expiresIn > 0, expiresIn <= 720 else { throw ValidationError("--expires-in is between 0 and 720 hours") }
        }

        func run() throws {
            let project = try projectOptions.open()
            let invite = try project.store.invite(name, validFor: expiresIn * 3600)
            if json {
                print(try encodeJSON(invite))
            } else {
                print("invite code for \(name): \(invite.code)")
                print("works once, until \(Self.time(invite.expiresAt)); on their machine: chorus login https://YOUR-SERVER --invite \(invite.code)")
            }
        }

        static func time(_ t: Double) -> String {
            let f = ISO8601DateFormatter()
            return f.string(from: Date(timeIntervalSince1970: t))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke every token and unused invite of a person; their next request is refused.",
            discussion: """
                Their drafts and submitted work stay; tasks they held go back to others when the
                leases lapse.

                Examples:
                $ chorus annotators revoke baraka
                """
        )

        @Argument(help: ArgumentHelp("The annotator.", valueName: "name"))
        var name: String

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Print {\"annotator\", \"revoked\"} as JSON.")
        var json = false

        struct Revoked: Encodable { var annotator: String, revoked: Int }

        func run() throws {
            let project = try projectOptions.open()
            let n = try project.store.revoke(name)
            if json {
                print(try encodeJSON(Revoked(annotator: name, revoked: n)))
            } else {
                print("revoked \(n) token\(n == 1 ? "" : "s") of \(name)")
            }
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who holds a token for chorus serve: since when, last used when and from where.",
            discussion: """
                Examples:
                $ chorus annotators sessions
                $ chorus annotators sessions --all --json
                """
        )

        @OptionGroup var projectOptions: ProjectOptions

        @Flag(help: "Include revoked tokens.")
        var all = false

        @Flag(help: "Print JSON Lines, one token per line.")
        var json = false

        func run() throws {
            let project = try projectOptions.open()
            for s in try project.store.sessions(includingRevoked: all) {
                if json {
                    print(try encodeJSON(s))
                } else {
                    let used = s.lastUsedAt.map { "last used \(Invite.time($0)) from \(s.lastUsedFrom ?? "?")" } ?? "never used"
                    print("\(s.annotator)\tsince \(Invite.time(s.createdAt))\t\(used)\(s.revokedAt.map { "\trevoked \(Invite.time($0))" } ?? "")")
                }
            }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit log: owner actions and what each token did, when, from where.",
            discussion: """
                The log is only ever appended to. It holds no texts and no tokens.

                Examples:
                $ chorus annotators audit
                $ chorus annotators audit --from 2026-12-01 --to 2026-12-07 --json
                """
        )

        @OptionGroup var projectOptions: ProjectOptions
        @OptionGroup var period: PeriodOptions

        @Flag(help: "Print JSON Lines, one entry per line.")
        var json = false

        func run() throws {
            let (from, to) = try period.range
            let project = try projectOptions.open()
            for e in try project.store.auditLog(from: from, to: to) {
                if json {
                    print(try encodeJSON(e))
                } else {
                    let task = e.taskID.map { " task \($0)" } ?? ""
                    print("\(Invite.time(e.at))\t\(e.actor)\t\(e.action)\(task)\(e.detail.map { " \($0)" } ?? "")\t\(e.remote ?? "")")
                }
            }
        }
    }
}
