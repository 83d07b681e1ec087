import ChorusStore
import Foundation
import Testing
import TestSupport

/// PostgreSQL's errors are one line (the cause with --verbose), its notices stay quiet, and a
/// server that restarts is waited for.
@Suite struct PostgresErrorTests {
    @Test func aServerErrorIsOneLineAndNoticesStayQuiet() throws {
        guard let database = try? Engine.postgres.database() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_POSTGRES_URL is not set under CI") }
            return
        }
        let dir = try Fixtures.scratch() + "/p"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--database", database]).status == 0)
        // A rule of the team's own on the server, with a warning raised before it fails, as an audit trigger might.
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [database, "-qc", """
            ALTER TABLE annotators ADD CONSTRAINT short_names CHECK (length(name) <= 8);
            CREATE FUNCTION audit() RETURNS trigger AS $$ BEGIN RAISE WARNING 'audit: adding %', NEW.name; RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit BEFORE INSERT ON annotators FOR EACH ROW EXECUTE FUNCTION audit();
            """]
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
        let run = try ChorusProcess.run(["annotators", "add", "bartholomew", "--languages", "sw", "--project", dir])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("store error: new row for relation \"annotators\" violates check constraint \"short_names\""), "\(run.stderr)")
        #expect(!run.stderr.contains("audit:") && !run.stderr.contains("DETAIL"))
        let verbose = try ChorusProcess.run(["annotators", "add", "bartholomew", "--languages", "sw", "--project", dir, "--verbose"])
        #expect(verbose.stderr.contains("chorus: cause: DETAIL:  Failing row contains"), "\(verbose.stderr)")
        let ok = try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", dir])
        #expect(ok.status == 0 && ok.stderr.isEmpty, "a warning from the server is not printed: \(ok.stderr)")
    }

    @Test func aCommandWaitsForARestartingServerAndSaysSoInOneLineWhenItDoesNotComeBack() throws {
        let cluster = try PostgresCluster()
        try cluster.start()
        let dir = try Fixtures.scratch() + "/p"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--database", cluster.url()]).status == 0)
        try cluster.stop()
        // The server comes back two seconds after the command starts.
        let restart = Thread { Thread.sleep(forTimeInterval: 2); try? cluster.start() }
        restart.start()
        let waited = try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", dir])
        #expect(waited.status == 0, "\(waited.stderr)")
        while !FileManager.default.fileExists(atPath: cluster.folder + "/data/postmaster.pid") { usleep(100_000) }
        try cluster.stop()
        let started = Date()
        let gone = try ChorusProcess.run(["status", "--project", dir])
        let waitedFor = Date().timeIntervalSince(started)
        #expect(gone.status == 1)
        #expect(gone.stderr.split(separator: "\n").count == 1, "\(gone.stderr)")
        #expect(gone.stderr.hasPrefix("chorus: error: cannot connect to postgresql:///postgres"), "\(gone.stderr)")
        #expect(waitedFor >= PostgresDatabase.reconnectSeconds - 1 && waitedFor < PostgresDatabase.reconnectSeconds + 10, "\(waitedFor) s")
    }
}
