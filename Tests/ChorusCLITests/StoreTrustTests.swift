import ChorusStore
import Foundation
import Testing
import TestSupport

/// A project never moves to an empty store, and a read-only store can be read and is left as it was.
@Suite struct StoreTrustTests {
    /// A project with the sample corpus's Swahili recordings imported, on `engine`.
    static func project(_ engine: Engine) throws -> String {
        let dir = try Fixtures.scratch("chorus-trust")
        chmod(dir, 0o755)
        var args = ["init", dir + "/p", "--source-lang", "sw"]
        if let database = try engine.database() { args += ["--database", database] }
        let made = try ChorusProcess.run(args)
        guard made.status == 0 else { throw TestSetupError(made.stderr) }
        let imported = try ChorusProcess.run(["segment", Fixtures.corpus + "/audio/sw-soko.flac", "--project", dir + "/p"])
        guard imported.status == 0 else { throw TestSetupError(imported.stderr) }
        return dir + "/p"
    }

    @Test(arguments: Engine.testable) func aConfigThatLostItsDatabaseLineNeverFallsBackToANewStore(engine: Engine) throws {
        let project = try Self.project(engine)
        let yaml = try String(contentsOfFile: project + "/chorus.yaml", encoding: .utf8)
        let cut = yaml.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("database:") }.joined(separator: "\n")
        try cut.write(toFile: project + "/chorus.yaml", atomically: true, encoding: .utf8)
        if engine == .postgres { #expect(!FileManager.default.fileExists(atPath: project + "/chorus.sqlite")) }
        let before = try FileManager.default.contentsOfDirectory(atPath: project).sorted()
        let run = try ChorusProcess.run(["status", "--project", project])
        #expect(run.status == 1)
        #expect(run.stderr.contains("chorus.yaml: database is missing"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project).sorted() == before, "nothing created")
    }

    @Test func aStoreThatIsGoneIsNotCreatedAgainOutsideInit() throws {
        let project = try Self.project(.sqlite)
        try FileManager.default.moveItem(atPath: project + "/chorus.sqlite", toPath: project + "/../moved.sqlite")
        let run = try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(run.status == 1)
        #expect(run.stderr.contains("chorus.sqlite: the store is missing"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project + "/chorus.sqlite"))
    }

    /// Runs chorus as another user (nobody) when these tests run as root, which passes over file modes.
    static func asUser(_ arguments: [String]) throws -> ChorusRun {
        guard geteuid() == 0 else { return try ChorusProcess.run(arguments) }
        return try ChorusProcess.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", ChorusProcess.binary] + arguments, executable: "/usr/bin/setpriv")
    }

    @Test func aReadOnlyStoreCanBeReadAndIsLeftAsItWas() throws {
        let project = try Self.project(.sqlite)
        if geteuid() == 0 { #expect(chown(project, 65534, 65534) == 0) }
        for name in try FileManager.default.contentsOfDirectory(atPath: project) where geteuid() == 0 {
            chown(project + "/" + name, 65534, 65534)
        }
        chmod(project + "/chorus.sqlite", 0o444)
        let status = try Self.asUser(["status", "--project", project, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"segments\""))
        let change = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(change.status == 1)
        #expect(change.stderr.contains("read-only") && change.stderr.split(separator: "\n").count == 1, "\(change.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: project).filter { $0.hasPrefix("chorus.sqlite-") }
        #expect(left.isEmpty, "nothing left beside the store: \(left)")
        // Made writable again, it works at once.
        chmod(project + "/chorus.sqlite", 0o644)
        let again = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func aReadOnlySideFileLeftByAnEarlierVersionIsRepaired() throws {
        let project = try Self.project(.sqlite)
        for name in try FileManager.default.contentsOfDirectory(atPath: project) + [""] where geteuid() == 0 {
            chown(project + "/" + name, 65534, 65534)
        }
        // What an earlier version left after reading a read-only store: read-only side files.
        for side in ["-shm", "-wal"] {
            let path = project + "/chorus.sqlite" + side
            FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o444])
            if geteuid() == 0 { chown(path, 65534, 65534) }
        }
        let run = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(run.status == 0, "\(run.stderr)")
    }
}
