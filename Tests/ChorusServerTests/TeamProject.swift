@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// A project made with the real CLI, on the sample corpus's Swahili market recording, with
/// people added; and the owner's invite and the person's login.
struct TeamProject {
    let logs: String
    let folder: String

    /// - Parameter database: a PostgreSQL URL of the test's own (else the engine's).
    init(_ engine: Engine, people: [String] = ["amina", "baraka", "chausiku"], redundancy: Int = 2, recordings: [String] = ["sw-soko.flac"],
         database: String? = nil) throws {
        logs = try Fixtures.scratch("serve")
        folder = logs + "/project"
        var create = ["init", folder, "--source-lang", "sw", "--target-lang", "en", "--redundancy", String(redundancy)]
        if let database = try database ?? engine.database() { create += ["--database", database] }
        try Self.chorus(create)
        try Self.chorus(["segment"] + recordings.map { Fixtures.packageRoot + "/Corpora/sample/audio/" + $0 } + ["--project", folder, "--quiet"])
        for name in people { try Self.chorus(["annotators", "add", name, "--languages", "sw,en", "--project", folder]) }
    }

    @discardableResult
    static func chorus(_ arguments: [String]) throws -> ChorusRun {
        let run = try ChorusProcess.run(arguments)
        guard run.status == 0 else { throw TestSetupError("chorus \(arguments.joined(separator: " ")): \(run.stderr)") }
        return run
    }

    func chorus(_ arguments: [String]) throws -> ChorusRun { try Self.chorus(arguments + ["--project", folder]) }

    /// The owner's one-time code for `name`.
    func invite(_ name: String, hours: Double = 24) throws -> String {
        let run = try chorus(["annotators", "invite", name, "--expires-in", String(hours), "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        guard let code = object?["code"] as? String else { throw TestSetupError("no code in \(run.stdout)") }
        return code
    }

    /// Invites `name` and logs in through `url`: their token.
    func token(_ name: String, url: String, ca: String? = nil) throws -> String {
        let answer = try HTTP.request("POST", url + "/v1/login", json: ["code": try invite(name)], ca: ca)
        guard answer.status == 200, let token = answer.json()["token"] as? String else { throw TestSetupError("login failed: \(answer.text)") }
        return token
    }

    /// The first column of the first row of `sql` on the project's store, as a number.
    func count(_ sql: String) throws -> Int {
        let project = try Project.open(at: folder)
        return try project.store.database.read { c in
            Int(try c.query(sql).first?.values.values.first?.int ?? -1)
        }
    }
}
