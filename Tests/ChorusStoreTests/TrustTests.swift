@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// Submissions stored once, active time that cannot be true refused, pay never negative and
/// nobody paid nothing left above the floor.
@Suite struct TrustTests {
    func annotations(_ s: Scenario) throws -> Int {
        try s.project.store.database.read { c in Int(try c.query("SELECT COUNT(*) AS n FROM annotations").first?["n"].int ?? -1) }
    }

    @Test(arguments: Engine.testable) func aRetriedSubmissionIsAnsweredWithTheFirstResultAndStoredOnce(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina", "baraka"])
        let a = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
        let first = try s.work.submit(task: a.taskID, as: "amina", text: "habari ya leo", activeSeconds: 20, now: s.at(1))
        let retry = try s.work.submit(task: a.taskID, as: "amina", text: "habari ya leo ", activeSeconds: 20, now: s.at(2))
        #expect(retry == first)
        #expect(try annotations(s) == 1)
        // The second transcriber settles the segment; a retry of that submission says so again.
        let b = try s.work.claim(as: "baraka", kind: .transcribe, now: s.at(2))
        let settling = try s.work.submit(task: b.taskID, as: "baraka", text: "habari ya leo", activeSeconds: 20, now: s.at(3))
        #expect(settling.settled == "habari ya leo")
        #expect(try s.work.submit(task: b.taskID, as: "baraka", text: "habari ya leo", now: s.at(4)) == settling)
        #expect(try annotations(s) == 2)
        // Another text on a task already submitted is refused with the reason, and nothing is stored.
        #expect {
            try s.work.submit(task: a.taskID, as: "amina", text: "habari za asubuhi", now: s.at(5))
        } throws: { ($0 as? ProjectError)?.code == .alreadySubmitted && "\($0)".contains("already submitted by amina") }
        #expect(try annotations(s) == 2)
        let progress = try s.work.progress(of: "amina", since: s.t0)
        #expect(progress.done == 1)
    }

    @Test func lookingForAnEarlierSubmissionUsesAnIndexNotAScan() throws {
        // Every submit asks for the person's earlier annotation of the task; over a large
        // project a scan of annotations cost about 40 ms a submit (300,000 annotations).
        let s = try Scenario(.sqlite, people: ["amina"])
        let plan = try s.project.store.database.read { c in
            try c.query("EXPLAIN QUERY PLAN " + WorkQueue.earlierSubmissionQuery, [.integer(1), .integer(1)])
                .compactMap { $0["detail"].string }.joined(separator: "; ")
        }
        #expect(plan.contains("annotations_by_task") && !plan.contains("SCAN annotations"), "\(plan)")
    }

    @Test(arguments: Engine.testable) func aLateSubmissionRetriedIsStillStoredOnce(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina", "baraka", "chausiku"])
        let a = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
        // The lease lapses and someone else takes the task.
        var taken: ClaimedTask?
        for name in ["baraka", "chausiku"] {
            let t = try s.work.claim(as: name, kind: .transcribe, now: s.at(20))
            if t.taskID == a.taskID { taken = t }
        }
        #expect(taken != nil)
        let late = try s.work.submit(task: a.taskID, as: "amina", text: "nimechelewa", activeSeconds: 60, now: s.at(21))
        #expect(!late.counted)
        #expect(try s.work.submit(task: a.taskID, as: "amina", text: "nimechelewa", activeSeconds: 60, now: s.at(22)) == late)
        #expect(try annotations(s) == 1)
    }

    @Test(arguments: Engine.testable) func activeTimeThatCannotBeTrueIsRefused(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina"])
        let a = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
        // Held for the 15-minute lease so far.
        for bad in [-50.0, -3600, .nan, .infinity, 1e12, 90_000, 901 + 5] {
            #expect(throws: ProjectError.self, "submit \(bad)") {
                try s.work.submit(task: a.taskID, as: "amina", text: "habari", activeSeconds: bad, now: s.at(1))
            }
            #expect(throws: ProjectError.self, "draft \(bad)") {
                try s.work.saveDraft(task: a.taskID, as: "amina", text: "hab", activeSeconds: bad, now: s.at(1))
            }
            #expect(throws: ProjectError.self, "skip \(bad)") {
                try s.work.skip(task: a.taskID, as: "amina", reason: .other, activeSeconds: bad, now: s.at(1))
            }
        }
        #expect(try annotations(s) == 0)
        // Renewing the lease allows more.
        _ = try s.work.renew(task: a.taskID, as: "amina", now: s.at(14))
        let ok = try s.work.submit(task: a.taskID, as: "amina", text: "habari", activeSeconds: 1_200, now: s.at(20))
        #expect(ok.counted)
    }

    @Test func importedActiveTimeIsCheckedWithTheLineAndField() throws {
        for (value, problem) in [("-50", "must not be negative"), ("1e12", "more than a day"), ("90000", "more than a day")] {
            let line = "{\"recording\":\"a.wav\",\"start\":0,\"end\":1,\"kind\":\"transcribe\",\"annotator\":\"amina\",\"text\":\"x\",\"active_seconds\":\(value)}"
            #expect {
                try AnnotationLine.parse("\n" + line + "\n", path: "work.jsonl")
            } throws: { "\($0)".hasPrefix("work.jsonl:2: field 'active_seconds': ") && "\($0)".contains(problem) }
        }
    }

    @Test(arguments: Engine.testable) func payIsNeverNegativeEvenFromValuesStoredBeforeTheChecks(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina"])
        let a = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
        _ = try s.work.submit(task: a.taskID, as: "amina", text: "habari", activeSeconds: 60, now: s.at(1))
        try s.project.store.database.write { c in try c.execute("UPDATE annotations SET active_seconds = -3600") }
        let line = try #require(try s.project.store.payReport(config: s.project.config).lines.first)
        #expect(line.earnings == 0 && line.activeHours == 0)
        try s.project.store.database.write { c in try c.execute("UPDATE annotations SET active_seconds = 1e12") }
        let huge = try #require(try s.project.store.payReport(config: s.project.config).lines.first)
        #expect(huge.activeHours == 24, "at most a day for one task")
    }

    @Test(arguments: Engine.testable) func aPersonPaidNothingIsBelowTheFloorWhateverThePayModel(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.payFloor = "10.00"
        config.currency = "EUR"
        let s = try Scenario(engine, people: [], config: config)
        try s.project.store.addAnnotator(name: "neema", languages: [LanguageTag("sw")], rate: nil, creditName: nil)
        let t = try s.work.claim(as: "neema", kind: .transcribe, now: s.t0)
        _ = try s.work.submit(task: t.taskID, as: "neema", text: "habari", activeSeconds: 360, now: s.at(6))
        let line = try #require(try s.project.store.payReport(config: s.project.config).lines.first)
        #expect(line.model == PayModel.none && line.earnings == 0)
        #expect(line.belowFloor && line.shortfall == Money.parse("1.00"), "10.00 an hour × 6 minutes")
    }
}
