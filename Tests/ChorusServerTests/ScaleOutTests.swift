@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// Two `chorus serve` instances behind nginx on one PostgreSQL: one instance is killed and then
/// PostgreSQL is restarted while eight people work; they carry on through the other instance,
/// and nothing is lost, held twice or stored twice.
@Suite(.serialized) struct ScaleOutTests {
    @Test(.enabled(if: Engine.testable.contains(.postgres))) func peopleCarryOnWhenAnInstanceDiesAndPostgreSQLRestarts() throws {
        let cluster = try PostgresCluster()
        try cluster.start()
        guard try Spawn.run(["psql", cluster.url(), "-qAtc", "CREATE DATABASE team"]) == 0 else { throw TestSetupError("createdb failed") }
        let people = (0..<8).map { "w\($0)" }
        let team = try TeamProject(.postgres, people: people, redundancy: 2,
                                   recordings: ["sw-soko.flac", "sw-kijiji.flac", "en-habari.flac", "en-nyumbani.flac"], database: cluster.url("team"))
        // Transcription tasks now; translation tasks are made as transcripts settle.
        let transcriptions = try team.count("SELECT COUNT(*) AS n FROM tasks")
        let a = try ServeProcess(project: team.folder, logs: team.logs, name: "a", arguments: ["--connections", "4"])
        let b = try ServeProcess(project: team.folder, logs: team.logs, name: "b", arguments: ["--connections", "4"])
        let nginx = try NginxProcess(folder: team.logs, upstreams: [a.port, b.port], tls: try TestTLS(in: team.logs))
        let tokens = try people.map { try team.token($0, url: nginx.url, ca: nginx.tls.ca) }

        let lock = NSLock()
        nonisolated(unsafe) var done = 0
        nonisolated(unsafe) var failures: [String] = []
        nonisolated(unsafe) var workers: [SimulatedAnnotator] = []
        let group = DispatchGroup()
        // Translation tasks are made as transcripts settle, so "nothing to do" for one person
        // is the end only once every task in the project is done (on a loaded machine a quick
        // worker used to stop while the last translation task was still to come).
        let giveUp = Date().addingTimeInterval(150)
        let folder = team.folder
        @Sendable func finished() -> Bool {
            guard let project = try? Project.open(at: folder) else { return false }
            let open = try? project.store.database.read { c in try c.query("SELECT COUNT(*) AS n FROM tasks WHERE state <> 'done'").first?.values.values.first?.int }
            return open == 0
        }
        for (name, token) in zip(people, tokens) {
            let worker = SimulatedAnnotator(name: name, token: token, port: nginx.plainPort, backoff: 0.2)
            workers.append(worker)
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    while Date() < giveUp {
                        if try worker.cycle() {
                            lock.withLock { done += 1 }
                            Thread.sleep(forTimeInterval: 0.05)
                        } else if finished() {
                            break
                        } else {
                            Thread.sleep(forTimeInterval: 0.2)
                        }
                    }
                } catch {
                    lock.withLock { failures.append("\(error)") }
                }
            }
        }
        func waitFor(_ count: Int) {
            let deadline = Date().addingTimeInterval(60)
            while lock.withLock({ done }) < count && Date() < deadline { usleep(20_000) }
        }
        waitFor(transcriptions / 2)
        a.daemon.signal(SIGKILL)
        let killedAt = lock.withLock { done }
        waitFor(transcriptions)
        try cluster.stop()
        Thread.sleep(forTimeInterval: 2)
        try cluster.start()
        let restartedAt = lock.withLock { done }
        #expect(group.wait(timeout: .now() + 120) == .success, "everyone finishes")

        #expect(failures.isEmpty, "\(failures)")
        let tasks = try team.count("SELECT COUNT(*) AS n FROM tasks")
        #expect(tasks > transcriptions, "translation tasks followed the transcripts")
        #expect(killedAt < tasks && restartedAt < tasks, "both happened mid-run: \(killedAt), \(restartedAt) of \(tasks)")
        #expect(a.daemon.wait(seconds: 0) != nil, "instance a is dead")
        let acknowledged = workers.flatMap(\.acknowledged)
        // Nothing lost: every acknowledged submission is stored, each once; every task is done.
        #expect(acknowledged.count == tasks, "\(acknowledged.count) of \(tasks) tasks submitted")
        #expect(Set(acknowledged.map(\.annotation)).count == acknowledged.count, "no submission acknowledged twice")
        #expect(try team.count("SELECT COUNT(*) AS n FROM annotations") == acknowledged.count, "no duplicates")
        #expect(try team.count("SELECT COUNT(*) AS n FROM tasks WHERE state <> 'done'") == 0)
        // Nobody held a task someone else held: one counted annotation a task, and never the
        // same person twice on a segment.
        #expect(try team.count("SELECT COUNT(*) AS n FROM (SELECT task_id FROM annotations WHERE counted = 1 GROUP BY task_id HAVING COUNT(*) > 1) d") == 0)
        #expect(try team.count("SELECT COUNT(*) AS n FROM (SELECT segment_id, kind, annotator_id FROM annotations GROUP BY segment_id, kind, annotator_id HAVING COUNT(*) > 1) d") == 0)
        // Instance b carried the work after a died.
        let served = b.daemon.stderr.split(separator: "\n").filter { $0.contains("/submit") }.count
        #expect(served >= tasks - killedAt, "b answered the submissions after the kill: \(served)")
    }
}
