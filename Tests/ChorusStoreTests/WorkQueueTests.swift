@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// A project with `segments` segments, redundancy 2, sw → en, and annotators who speak both.
struct Scenario {
    let project: Project
    var work: WorkQueue { project.work }
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// - Parameter config: sw → en with redundancy 2 when not given.
    init(_ engine: Engine, segments: Int = 3, people: [String] = ["amina", "baraka", "chausiku", "dalila"], config given: ProjectConfig? = nil) throws {
        var config = try given ?? ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [LanguageTag("en")])
        if given == nil { config.redundancy = 2 }
        if let database = try engine.database() { config.database = database }
        project = try Project.create(at: try Fixtures.scratch(), config: config)
        var spans: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)] = []
        for i in 0..<segments {
            let start = Double(i) * 5
            spans.append((start, start + 3, start, start + 3))
        }
        var r = NewRecording(
            sha256: "r1", path: "sw.flac", duration: 60, sampleRate: 16_000, channels: 1, container: "FLAC", encoding: "PCM 16",
            segmenter: "{}", segments: spans)
        r.transcriptionTasks = ("sw", config.redundancy)
        try project.store.add(r)
        for name in people {
            try project.store.addAnnotator(name: name, languages: [LanguageTag("sw"), LanguageTag("en")], rate: "12.50/hour", creditName: nil)
        }
    }

    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
}

@Suite struct WorkQueueTests {
    @Test(arguments: Engine.testable) func redundantTranscribersMeetOnTheSameSegmentButNobodyGetsItTwice(engine: Engine) throws {
        let s = try Scenario(engine)
        let a = try s.work.claim(as: "amina", now: s.t0)
        let b = try s.work.claim(as: "baraka", now: s.t0)
        #expect(a.kind == .transcribe && b.kind == .transcribe)
        #expect(a.segmentID == b.segmentID, "a started segment is finished first")
        #expect(a.taskID != b.taskID)
        let a2 = try s.work.claim(as: "amina", now: s.t0)
        #expect(a2.segmentID != a.segmentID)
        #expect(a.leaseExpires == s.t0.timeIntervalSince1970 + 15 * 60)
    }

    @Test(arguments: Engine.testable) func agreeingTranscriptsSettleAndOpenTranslation(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1)
        let a = try s.work.claim(as: "amina", now: s.t0)
        let b = try s.work.claim(as: "baraka", now: s.t0)
        #expect(try s.work.submit(task: a.taskID, as: "amina", text: "Habari za asubuhi.", now: s.t0).settled == nil)
        let second = try s.work.submit(task: b.taskID, as: "baraka", text: "habari za  asubuhi", now: s.t0)
        #expect(second.counted)
        #expect(second.settled == "Habari za asubuhi.")
        let t = try s.work.claim(as: "chausiku", now: s.t0)
        #expect(t.kind == .translate && t.language == "en")
        #expect(t.sourceTexts == ["Habari za asubuhi."])
    }

    @Test(arguments: Engine.testable) func disagreementGoesToAReviewerWhoDidNotTranscribe(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1)
        let a = try s.work.claim(as: "amina", now: s.t0)
        let b = try s.work.claim(as: "baraka", now: s.t0)
        _ = try s.work.submit(task: a.taskID, as: "amina", text: "Leo ni siku ya soko", now: s.t0)
        #expect(try s.work.submit(task: b.taskID, as: "baraka", text: "Leo si siku ya soko", now: s.t0).settled == nil)
        #expect(throws: ProjectError.self) { try s.work.claim(as: "amina", kind: .review, now: s.t0) }
        let review = try s.work.claim(as: "chausiku", now: s.t0)
        #expect(review.kind == .review)
        #expect(review.sourceTexts == ["Leo ni siku ya soko", "Leo si siku ya soko"])
        let done = try s.work.submit(task: review.taskID, as: "chausiku", text: "Leo ni siku ya soko.", now: s.t0)
        #expect(done.settled == "Leo ni siku ya soko.")
        #expect(try s.work.claim(as: "dalila", now: s.t0).kind == .translate)
    }

    @Test(arguments: Engine.testable) func aLapsedLeaseReturnsToThePoolAndTheLateSubmissionIsKept(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina", "baraka", "chausiku"])
        let a = try s.work.claim(as: "amina", now: s.t0)
        _ = try s.work.claim(as: "baraka", now: s.t0)
        let c = try s.work.claim(as: "chausiku", now: s.at(16))
        #expect(c.taskID == a.taskID, "amina's lapsed lease went back to the pool")
        let late = try s.work.submit(task: a.taskID, as: "amina", text: "nimechelewa", now: s.at(17))
        #expect(!late.counted, "chausiku holds the task now: amina's text is an extra annotation")
        let theirs = try s.work.submit(task: c.taskID, as: "chausiku", text: "habari", now: s.at(18))
        #expect(theirs.counted)
    }

    @Test(arguments: Engine.testable) func aLateSubmissionNobodyOvertookStillCounts(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina"])
        let a = try s.work.claim(as: "amina", now: s.t0)
        #expect(try s.work.submit(task: a.taskID, as: "amina", text: "bado iko", now: s.at(60)).counted)
    }

    @Test(arguments: Engine.testable) func refusalsSayWhy(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1)
        let a = try s.work.claim(as: "amina", now: s.t0)
        let notYours = #expect(throws: ProjectError.self) { try s.work.submit(task: a.taskID, as: "baraka", text: "x", now: s.t0) }
        #expect(notYours?.code == .notYours)
        #expect(notYours?.message == "task \(a.taskID) is not leased to baraka")
        #expect((#expect(throws: ProjectError.self) { try s.work.submit(task: 999, as: "amina", text: "x") })?.code == .notFound)
        #expect((#expect(throws: ProjectError.self) { try s.work.submit(task: a.taskID, as: "amina", text: "  \n") })?.code == .invalidInput)
        #expect((#expect(throws: ProjectError.self) { try s.work.claim(as: "nobody") })?.code == .notFound)
        _ = try s.work.claim(as: "baraka", now: s.t0)
        #expect((#expect(throws: ProjectError.self) { try s.work.claim(as: "chausiku", kind: .transcribe, now: s.t0) })?.code == .nothingToDo)
    }

    @Test(arguments: Engine.testable) func aDistressingSkipWarnsTheNextPersonAndIsNotOfferedAgain(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina", "baraka", "chausiku"])
        let a = try s.work.claim(as: "amina", now: s.t0)
        try s.work.skip(task: a.taskID, as: "amina", reason: .distressing, comment: "violence", now: s.t0)
        #expect((#expect(throws: ProjectError.self) { try s.work.claim(as: "amina", now: s.t0) })?.code == .nothingToDo)
        let b = try s.work.claim(as: "baraka", now: s.t0)
        #expect(b.contentWarning)
    }

    @Test(arguments: Engine.testable) func releasingKeepsTheDraftForNextTime(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina"])
        let a = try s.work.claim(as: "amina", now: s.t0)
        try s.work.saveDraft(task: a.taskID, as: "amina", text: "nusu ya", now: s.t0)
        try s.work.release(task: a.taskID, as: "amina")
        let again = try s.work.claim(as: "amina", now: s.t0)
        #expect(again.taskID == a.taskID)
        #expect(again.draft == "nusu ya")
        #expect(try s.work.renew(task: a.taskID, as: "amina", now: s.at(10)) == s.at(25).timeIntervalSince1970)
    }

    @Test(arguments: Engine.testable) func annotatorsAreCheckedWhenAdded(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: [])
        let added = try s.project.store.addAnnotator(name: "amina", languages: [LanguageTag("sw")], rate: "0.40/audio-minute", creditName: "Amina Hassan")
        #expect(added.payModel == .audioMinute && added.payRate == "0.40")
        #expect(throws: ProjectError.self) { try s.project.store.addAnnotator(name: "amina", languages: [LanguageTag("sw")], rate: nil, creditName: nil) }
        for bad in ["12/week", "-1/hour", "abc/hour", "12.5"] {
            #expect(throws: ProjectError.self) { try s.project.store.addAnnotator(name: "x\(bad)", languages: [LanguageTag("sw")], rate: bad, creditName: nil) }
        }
        #expect(try s.project.store.annotators().map(\.name) == ["amina"])
    }

    @Test(arguments: Engine.testable) func threeTranscriptsCanSettleByConsensus(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [LanguageTag("en")])
        config.redundancy = 3
        let s = try Scenario(engine, segments: 1, people: ["amina", "baraka", "chausiku"], config: config)
        let texts = ["Mvua kubwa inanyesha soko leo", "mvua ndogo inanyesha sokoni leo", "mvua kubwa inanyesha sokoni jana"]
        var last: Submission?
        for (name, text) in zip(["amina", "baraka", "chausiku"], texts) {
            let t = try s.work.claim(as: name, kind: .transcribe, now: s.t0)
            last = try s.work.submit(task: t.taskID, as: name, text: text, now: s.t0)
        }
        #expect(last?.settled == "Mvua kubwa inanyesha sokoni leo")
        let row = try s.project.store.database.read { try $0.query("SELECT method, agreement FROM settled") }.first
        #expect(row?["method"].string == "consensus")
    }
}
