@testable import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite("Wellbeing in the annotation loop", .serialized)
struct WellbeingLoopTests {
    @Test func termsFirstThenABreakIsSuggestedBetweenTasks() throws {
        let p = try LoopProject(termsSeen: false)
        try p.configure("pay_model: hour\npay_rate: \"15.00\"\ncurrency: KES\npay_floor: \"12.00\"\npay_rejected_work: false\nbreak_after_minutes: 0.05\n")
        let t = try p.start(["transcribe", "--as", "amina"])
        var screen = try t.waitFor("this project's terms")
        #expect(screen.contains("15.00 KES an hour of active work"))
        #expect(screen.contains("at least 12.00 KES an hour"))
        #expect(screen.contains("Rejected work is NOT paid"))
        #expect(!screen.contains("Segment 1"), "nothing starts before the terms are read")
        usleep(600_000)  // keys typed before a question appeared do not answer it
        try t.press("Enter")
        screen = try t.waitFor("Segment 1 ·")
        #expect(screen.contains("earned 0.00 KES"), "pay in the open from the first task")
        #expect(try p.rows("SELECT terms_seen_at FROM annotators WHERE name = 'amina'").first?["terms_seen_at"].double != nil)
        // After three seconds of work (break_after_minutes: 0.05), the next submission offers a break.
        Thread.sleep(forTimeInterval: 3.2)
        try t.type("habari")
        try t.press("Enter")
        screen = try t.waitFor("Time for a break?")
        #expect(!screen.contains("Segment 2"), "the next segment waits")
        usleep(600_000)
        try t.press("Enter")
        try t.waitFor("On a break.")
        usleep(600_000)
        try t.type("x")
        screen = try t.waitFor("Segment 2 ·")
        #expect(screen.contains("Welcome back."))
        try t.press("C-q")
        try t.waitForExit()
        // A second start does not show the terms again.
        let again = try p.start(["transcribe", "--as", "amina"])
        try again.waitFor("Segment ")
        #expect(try !again.screen().contains("this project's terms"))
        try again.press("C-q")
    }

    @Test func anEnterTypedAheadNeverPassesAContentWarning() throws {
        let p = try LoopProject()
        let project = try Project.open(at: p.dir)
        // Segment 1 is started by amina's transcript; segment 2 is flagged by her skip. Both are
        // started, so baraka gets segment 1 and then the flagged segment 2.
        let first = try project.work.claim(as: "amina", kind: .transcribe)
        _ = try project.work.submit(task: first.taskID, as: "amina", text: "habari")
        let second = try project.work.claim(as: "amina", kind: .transcribe)
        try project.work.skip(task: second.taskID, as: "amina", reason: .distressing)
        let b = try p.start(["transcribe", "--as", "baraka"])
        try b.waitFor("Segment \(first.segmentID) ·")
        try b.type("habari")
        // Submit, and an Enter typed ahead a moment later, as a fast typist does.
        try b.press("Enter", "Enter")
        try b.waitFor("Content warning")
        usleep(1_000_000)
        var screen = try b.screen()
        #expect(screen.contains("Content warning") && !screen.contains("playing"), "\(screen)")
        #expect(try p.rows("SELECT COUNT(*) AS n FROM exposures").first?["n"].int == 0)
        // Enter, the submit key, does not listen either: L does.
        try b.press("Enter")
        screen = try b.waitFor("L listens")
        #expect(!screen.contains("playing"))
        try b.type("l")
        try b.waitFor("▶ playing")
        #expect(try p.rows("SELECT COUNT(*) AS n FROM exposures").first?["n"].int == 1)
        try b.press("C-q")
    }

    @Test func listeningToAFlaggedSegmentCountsAndTheDailyCapStopsTheQueue() throws {
        let p = try LoopProject()
        try p.configure("daily_cap_hours: 0.001\n")
        let project = try Project.open(at: p.dir)
        let first = try project.work.claim(as: "amina", kind: .transcribe)
        try project.work.skip(task: first.taskID, as: "amina", reason: .distressing)
        let b = try p.start(["transcribe", "--as", "baraka"])
        try b.waitFor("Content warning")
        #expect(try p.rows("SELECT COUNT(*) AS n FROM exposures").first?["n"].int == 0, "passing over the warning is not exposure")
        usleep(700_000)
        try b.type("l")
        try b.waitFor("▶ playing")
        try b.type("habari")
        try b.press("Enter")
        #expect(try p.rows("SELECT a.name FROM exposures e JOIN annotators a ON a.id = e.annotator_id").map { $0["name"].string } == ["baraka"])
        try b.waitFor("Segment 2 ·")
        try b.press("C-q")
        try b.waitForExit()
        // Ten seconds more of work take baraka past the cap (0.001 h, 3.6 s): the queue says so.
        let more = try project.work.claim(as: "baraka", kind: .transcribe)
        _ = try project.work.submit(task: more.taskID, as: "baraka", text: "leo", activeSeconds: 10)
        let again = try p.start(["transcribe", "--as", "baraka"])
        let screen = try again.waitFor("daily cap")
        #expect(screen.contains("no more tasks until tomorrow"))
        try again.press("C-q")
    }
}

@Suite("Decisions reach the person in the loop", .serialized)
struct RejectionNoticeTests {
    @Test func aRejectionIsAnnouncedWhenThePersonStarts() throws {
        let p = try LoopProject(recordings: ["sw-soko.flac", "sw-kijiji.flac"])
        let project = try Project.open(at: p.dir)
        let t = try project.work.claim(as: "amina", kind: .transcribe)
        let id = try project.work.submit(task: t.taskID, as: "amina", text: "habari").annotationID
        try project.store.reject(annotation: id, as: "chausiku", reason: "two words are missing")
        let screen = try p.start(["transcribe", "--as", "amina"])
        let shown = try screen.waitFor("1 of your texts was rejected")
        #expect(shown.contains("chorus me --as amina"))
        try screen.press("C-q")
    }
}
