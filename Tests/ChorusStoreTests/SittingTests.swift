import ChorusStore
import Foundation
import Testing
import TestSupport

/// What the terminal loop asks of the store, on both engines.
@Suite struct SittingTests {
    @Test(arguments: Engine.testable) func aHeldTaskComesBackWithItsDraftAndActiveTime(engine: Engine) throws {
        let s = try Scenario(engine, segments: 2, people: ["amina"])
        #expect(try s.work.resume(as: "amina", now: s.t0) == nil)
        let a = try s.work.claim(as: "amina", now: s.t0)
        try s.work.saveDraft(task: a.taskID, as: "amina", text: "nusu", activeSeconds: 12.5, now: s.t0)
        // After a crash: the same task, its draft and its time, and a fresh lease.
        let back = try #require(try s.work.resume(as: "amina", now: s.at(5)))
        #expect(back.taskID == a.taskID)
        #expect(back.draft == "nusu")
        #expect(back.draftActiveSeconds == 12.5)
        #expect(back.leaseExpires == s.at(20).timeIntervalSince1970)
        // Only a live lease, and only of the kind asked for.
        #expect(try s.work.resume(as: "amina", kind: .translate, now: s.at(5)) == nil)
        #expect(try s.work.resume(as: "amina", now: s.at(60)) == nil)
    }

    @Test(arguments: Engine.testable) func progressCountsTodaysWorkAndWhatIsLeft(engine: Engine) throws {
        let s = try Scenario(engine, segments: 3, people: ["amina", "baraka"])
        #expect(try s.work.progress(of: "amina", since: s.t0).available == 3)
        let a = try s.work.claim(as: "amina", now: s.t0)
        #expect(try s.work.progress(of: "amina", since: s.t0).available == 2, "the segment in hand is not left")
        _ = try s.work.submit(task: a.taskID, as: "amina", text: "moja", activeSeconds: 30, now: s.at(1))
        let b = try s.work.claim(as: "amina", now: s.at(1))
        _ = try s.work.submit(task: b.taskID, as: "amina", text: "mbili", activeSeconds: 45, now: s.at(2))
        let p = try s.work.progress(of: "amina", since: s.t0)
        #expect(p.done == 2)
        #expect(p.activeSeconds == 75)
        #expect(p.available == 1)
        #expect(try s.work.progress(of: "amina", since: s.at(1.5)).done == 1)
        #expect(try s.work.progress(of: "baraka", since: s.t0).available == 3)
    }

    @Test(arguments: Engine.testable) func machineDraftJobsComeInHandOutOrderAndReachTheClaim(engine: Engine) throws {
        let s = try Scenario(engine, segments: 3, people: ["amina"])
        let jobs = try s.work.machineDraftJobs(kind: .transcribe, language: "sw", limit: 10)
        #expect(jobs.map(\.segmentID) == [1, 2, 3])
        #expect(jobs.first?.recording == "sw.flac")
        #expect(jobs.first?.end == 3)
        try s.work.addMachineDraft(segment: 1, kind: .transcribe, language: "sw", text: "habari ya mashine", source: "command: asr", now: s.t0)
        #expect(try s.work.machineDraftJobs(kind: .transcribe, language: "sw", limit: 10).map(\.segmentID) == [2, 3])
        #expect(try s.work.claim(as: "amina", now: s.t0).machineDraft == "habari ya mashine")
    }

    @Test(arguments: Engine.testable) func theSegmentBeforeGivesContextOnceSettled(engine: Engine) throws {
        let s = try Scenario(engine, segments: 2, people: ["amina", "baraka"])
        for name in ["amina", "baraka"] {
            let t = try s.work.claim(as: name, now: s.t0)
            #expect(t.segmentID == 1)
            #expect(t.context == nil)
            _ = try s.work.submit(task: t.taskID, as: name, text: "Habari za asubuhi.", now: s.t0)
        }
        let next = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
        #expect(next.segmentID == 2)
        #expect(next.context == "Habari za asubuhi.")
    }

    @Test(arguments: Engine.testable) func onlyTheProjectsTagsAreAccepted(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina"])
        let a = try s.work.claim(as: "amina", now: s.t0)
        let refused = #expect(throws: ProjectError.self) { try s.work.submit(task: a.taskID, as: "amina", text: "habari [kelele]", now: s.t0) }
        #expect(refused?.code == .invalidInput)
        #expect(refused?.message.hasPrefix("[kelele] is not one of this project's tags") == true)
        #expect(try s.work.submit(task: a.taskID, as: "amina", text: "habari [noise]", now: s.t0).counted)
    }

    @Test(arguments: Engine.testable) func aTranslatorCanBeHeldToOneLanguage(engine: Engine) throws {
        let s = try Scenario(engine, segments: 1, people: ["amina"])
        #expect((#expect(throws: ProjectError.self) { try s.work.claim(as: "amina", language: "fr", now: s.t0) })?.code == .nothingToDo)
        #expect(try s.work.claim(as: "amina", language: "sw", now: s.t0).kind == .transcribe)
    }

    @Test(arguments: Engine.testable) func aTranslationReviewCarriesTheTranscript(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [LanguageTag("en")])
        config.redundancy = 1
        config.translationRedundancy = 2
        let s = try Scenario(engine, segments: 1, people: ["amina", "baraka", "chausiku", "dalila"], config: config)
        let t = try s.work.claim(as: "amina", now: s.t0)
        _ = try s.work.submit(task: t.taskID, as: "amina", text: "Mvua inanyesha.", now: s.t0)
        for (name, text) in [("baraka", "It is raining."), ("chausiku", "Rain is falling.")] {
            let task = try s.work.claim(as: name, kind: .translate, now: s.t0)
            _ = try s.work.submit(task: task.taskID, as: name, text: text, now: s.t0)
        }
        let review = try s.work.claim(as: "dalila", kind: .review, now: s.t0)
        #expect(review.language == "en")
        #expect(review.sourceTexts == ["It is raining.", "Rain is falling."])
        #expect(review.original == "Mvua inanyesha.")
    }
}
