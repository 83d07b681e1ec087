@testable import ChorusStore
import Foundation
import Testing
import TestSupport
import WorkContract

/// What every ``WorkBackend`` must do, whatever carries the calls: written against the
/// protocol, run here on the local backend over both engines.
@Suite struct WorkBackendContractTests {
    @Test(arguments: Engine.testable) func theLocalBackendKeepsTheContract(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina", "baraka"])
        try WorkBackendContract.check(LocalWorkBackend(project: s.project, annotator: "amina"), LocalWorkBackend(project: s.project, annotator: "baraka"))
    }

    @Test(arguments: Engine.testable) func goingBackAndBoundariesKeepTheContract(engine: Engine) throws {
        let s = try Scenario(engine, segments: 4, people: ["amina", "baraka"])
        try WorkBackendContract.checkCraft(LocalWorkBackend(project: s.project, annotator: "amina"), LocalWorkBackend(project: s.project, annotator: "baraka"))
        // What the contract cannot see from outside: the earlier text is kept, the amending
        // time added, the edits recorded as amina's work, the marked text, the skip's comment.
        let rows = try s.project.store.database.read { c in
            (try c.query("SELECT previous_text AS t FROM amendments", []).map { try $0.string(Col.t) },
             try c.query("SELECT action AS t FROM segment_edits ORDER BY id", []).map { try $0.string(Col.t) },
             try c.query("SELECT COUNT(*) AS n FROM annotations WHERE boundary_changed = 1", []).first?.int(Col.n),
             try c.query("SELECT comment AS t FROM skips WHERE reason = 'other'", []).first?.string(Col.t),
             try c.query("SELECT active_seconds AS s FROM annotations WHERE text = 'habari za leo' ORDER BY id LIMIT 1", []).first?.double(Col.s))
        }
        #expect(rows.0 == ["habari ya leo"])
        #expect(rows.1 == ["start", "end", "split", "merge", "end"])
        #expect(rows.2 == 1)
        #expect(rows.3 == "kelele nyingi")
        #expect(rows.4 == 4.5, "4 s transcribing and 0.5 s amending")
        // Export says so, and the lines import back.
        let lines = try s.project.work.exportAnnotations()
        #expect(lines.contains { $0.contains("\"amendments\":1") && $0.contains("habari za leo") })
        #expect(lines.contains { $0.contains("\"boundary_changed\":true") && $0.contains("mvua inanyesha") })
    }

    enum Col: String { case t, n, s }
}
