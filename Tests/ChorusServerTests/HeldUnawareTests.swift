@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// A person can hold a task they were never told of: behind two instances, the proxy passes a
/// claim whose instance died after leasing on to the other instance, which leases another
/// (`proxy_next_upstream ... non_idempotent`, docs/team.md). Nothing is lost, as long as the
/// client asks what the person holds before it takes "nothing to do" for an answer, as
/// `chorus transcribe` does; the simulated annotator of the scale-out test must too (it once
/// stopped with 102 of 103 tasks done and the last one leased to a worker who did not know).
@Suite struct HeldUnawareTests {
    @Test func aTaskHeldWithoutThePersonKnowingIsStillDone() throws {
        let team = try TeamProject(.sqlite, people: ["amina"], redundancy: 1)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let amina = SimulatedAnnotator(name: "amina", token: try team.token("amina", url: server.url), port: server.port)
        // (The first cycle asks what amina holds anyway: the task is leased behind her back after it.)
        var cycles = try amina.cycle() ? 1 : 0
        let orphan = try Project.open(at: team.folder).work.claim(as: "amina")
        while try amina.cycle() { cycles += 1 }
        #expect(amina.acknowledged.contains { Int64($0.task) == orphan.taskID }, "the task leased behind her back is done")
        #expect(try team.count("SELECT COUNT(*) AS n FROM tasks WHERE state <> 'done'") == 0)
        #expect(cycles == (try team.count("SELECT COUNT(*) AS n FROM tasks")))
    }
}
