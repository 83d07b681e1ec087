@testable import ChorusStore
import Foundation
import Testing
import TestSupport
import ChorusTerminal

/// The transcriber's craft in the real binary, in a real terminal: going back and amending,
/// hearing around the clip, moving boundaries, the editor's units, and a screen that is
/// legible at 60×20, 80×24 and 200×50.
@Suite("The transcriber's craft in a real terminal", .serialized)
struct CraftLoopTests {
    /// Every row within the width, the title and today's figures on the first row.
    func legible(_ screen: String, columns: Int, left: Int? = nil) {
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.allSatisfy { $0.terminalWidth <= columns }, "\(screen)")
        let first = String(rows.first ?? "")
        #expect(first.contains("transcribe sw · amina"), "the header at \(columns) columns: \(first)")
        if let left { #expect(first.contains("\(left) left"), "\(first)") }
    }

    @Test(arguments: [(60, 20), (80, 24), (200, 50)])
    func legibleAtEverySize(columns: Int, rows: Int) throws {
        let p = try LoopProject(termsSeen: false)
        let open = try p.rows("SELECT COUNT(DISTINCT segment_id) AS n FROM tasks").first?["n"].int ?? 0
        let t = try p.start(["transcribe", "--as", "amina"], columns: columns, rows: rows)
        // "left" is right from the first screen, the terms screen included.
        var screen = try t.waitUntil("the terms with today's figures") { $0.contains("this project's terms") && $0.contains("\(open) left") }
        legible(screen, columns: columns, left: Int(open))
        usleep(600_000)
        try t.press("Enter")
        screen = try t.waitFor("Segment 1 ·")
        legible(screen, columns: columns)
        // The worked clock ticks while working, before anything is submitted today.
        screen = try t.waitUntil("the worked clock past zero", timeout: 8) { !$0.contains("0:00:00") && $0.contains("0:00:0") }
        // The waveform shows the clip's shape: quiet and loud columns both, not ▅▆▇ everywhere.
        let wave = try #require(screen.split(separator: "\n").first { $0.contains("▁") || $0.contains("█") })
        #expect(wave.contains("▁") && wave.contains("█"), "\(wave)")
        // Every key on the help pages, whatever the size.
        try t.press("C-g")
        var seen = try t.waitFor("any other key returns")
        legible(seen, columns: columns)
        for _ in 0..<4 {
            try t.press("PageDown")
            usleep(200_000)
            seen += try t.screen()
        }
        for key in ["Enter", "Tab, Ctrl-Space", "Ctrl-R", "Ctrl-F", "Ctrl-N", "Ctrl-D", "Ctrl-B", "Ctrl-X", "Ctrl-S", "Ctrl-T", "Ctrl-O", "Ctrl-Z",
                    "Ctrl-Y", "Ctrl-G", "Ctrl-Q", "Ctrl-W", "Ctrl-C"] {
            #expect(seen.contains(key), "\(key) on the help pages at \(columns)×\(rows)")
        }
        try t.press("Escape")
        try t.waitFor("Transcript (sw)")
        // A long text wraps inside the width.
        try t.type(String(repeating: "maneno marefu 東京 ", count: 6))
        screen = try t.waitFor("東京")
        legible(screen, columns: columns)
        // The reject prompt of a review never claims audio is loading; here: the skip menu and
        // the boundary editor fit too.
        try t.press("C-s")
        screen = try t.waitFor("Skip this segment, because:")
        legible(screen, columns: columns)
        #expect(!screen.contains("loading audio"))
        try t.press("Escape")
        try t.press("C-b")
        screen = try t.waitFor("moving the start")
        legible(screen, columns: columns)
        try t.press("Escape")
        try t.press("C-q")
        screen = try t.waitFor("Quit now?")
        legible(screen, columns: columns)
        try t.press("y")
        try t.waitForExit()
        #expect(try p.rows("SELECT text FROM drafts").first?["text"].string?.hasPrefix("maneno marefu") == true, "quitting kept the text")
    }

    @Test func nothingToDoFitsASmallScreen() throws {
        let p = try LoopProject(redundancy: 1)
        // baraka holds every task: amina has nothing to do.
        let project = try Project.open(at: p.dir)
        while (try? project.work.claim(as: "baraka", kind: .transcribe)) != nil {}
        let t = try p.start(["transcribe", "--as", "amina"], columns: 60, rows: 20)
        let screen = try t.waitFor("Nothing for you to do")
        legible(screen, columns: 60)
        #expect(screen.split(separator: "\n").first?.contains("Chorus") == true, "the wrapped line does not push the title off")
        try t.press("C-q")
        try t.waitForExit()
    }

    @Test func goBackHearAndAmendWhileTheCurrentDraftWaits() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], columns: 80, rows: 24)
        try t.waitFor("Segment 1 ·")
        try t.type("habari ya leo")
        try t.press("Enter")
        var screen = try t.waitFor("Segment 2 ·")
        #expect(screen.contains("Submitted."))
        #expect(screen.contains("before (yours, seg 1): habari ya leo"))
        try t.type("nusu")
        try t.waitFor("> nusu")
        try t.press("C-d")
        screen = try t.waitFor("Your submissions in this sitting")
        #expect(screen.contains("> seg 1 ·") && screen.contains("open") && screen.contains("habari ya leo"))
        try t.press("Enter")
        screen = try t.waitFor("Amending your text of segment 1")
        #expect(screen.contains("> habari ya leo"))
        try t.waitFor("▶ playing")
        // Leaving without saving changes nothing and brings the draft back.
        try t.press("C-w")
        try t.press("C-d")
        screen = try t.waitFor("Not amended")
        #expect(screen.contains("> nusu") && screen.contains("Segment 2 ·"))
        // Amending for real.
        try t.press("C-d")
        try t.waitFor("Your submissions in this sitting")
        try t.press("Enter")
        try t.waitFor("Amending your text of segment 1")
        try t.press("C-w", "C-w")
        try t.type("za leo")
        try t.press("Enter")
        screen = try t.waitFor("Amended your text of segment 1.")
        #expect(screen.contains("> nusu"), "the current draft is back")
        #expect(screen.contains("before (yours, seg 1): habari za leo"))
        let stored = try p.rows("SELECT a.text, a.active_seconds, m.previous_text FROM annotations a JOIN amendments m ON m.annotation_id = a.id")
        #expect(stored.first?["text"].string == "habari za leo" && stored.first?["previous_text"].string == "habari ya leo")
        // Hearing around: the segment marked inside a wider clip; again: the segment alone.
        try t.press("C-n")
        screen = try t.waitFor("either side")
        try t.waitUntil("the segment's edges marked") { $0.contains("┃") }
        try t.press("C-n")
        try t.waitFor("The segment alone again.")
        // Quitting in the middle of an amendment: asked, and the unsent change kept in a file.
        try t.press("C-d")
        try t.waitFor("Your submissions in this sitting")
        try t.press("Enter")
        try t.waitFor("Amending your text of segment 1")
        try t.type(" kabisa")
        try t.press("C-q")
        try t.waitFor("The change you typed is not sent")
        try t.press("Enter")
        try t.waitForExit()
        #expect(try p.rows("SELECT text FROM drafts").first?["text"].string == "nusu", "the current segment's draft is kept")
        #expect(try p.rows("SELECT text FROM annotations").first?["text"].string == "habari za leo", "the unsent change did not replace it")
        let kept = try FileManager.default.contentsOfDirectory(atPath: p.dir + "/recovered")
        #expect(kept.count == 1 && kept.first?.hasPrefix("amina-amendment") == true, "\(kept)")
        let body = try String(contentsOfFile: p.dir + "/recovered/" + (kept.first ?? ""), encoding: .utf8)
        #expect(body.contains("habari za leo kabisa"))
    }

    @Test func aSettledSubmissionPlaysButCannotChangeAndTheSegmentsAudioComesBack() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], columns: 100, rows: 30)
        try t.waitFor("Segment 1 ·")
        try t.type("habari ya leo")
        try t.press("Enter")
        try t.waitFor("Segment 2 ·")
        // baraka agrees: segment 1 settles.
        let project = try Project.open(at: p.dir)
        let task = try project.work.claim(as: "baraka", kind: .transcribe)
        #expect(task.segmentID == 1)
        #expect(try project.work.submit(task: task.taskID, as: "baraka", text: "habari ya leo").settled != nil)
        let own = try #require(try p.rows("SELECT end - start AS d FROM segments WHERE id = 2").first?["d"].double)
        try t.press("C-d")
        var screen = try t.waitFor("settled · habari ya leo")
        try t.press("Enter")
        screen = try t.waitFor("is settled: its text can no longer change")
        #expect(!screen.contains("Amending"))
        try t.press("Escape")
        // The player holds segment 2's clip again, not segment 1's.
        screen = try t.waitFor(" / " + String(format: "%d:%05.2f", Int(own) / 60, own.truncatingRemainder(dividingBy: 60)))
        #expect(screen.contains("Segment 2 ·"))
        try t.press("C-q")
        try t.waitForExit()
    }

    @Test func boundariesMoveSplitAndMergeForEveryone() throws {
        let p = try LoopProject()
        let before = try p.rows("SELECT start, \"end\" FROM segments WHERE id = 1").first
        let (start, end) = (before?["start"].double ?? 0, before?["end"].double ?? 0)
        let t = try p.start(["transcribe", "--as", "amina"], columns: 100, rows: 30)
        try t.waitFor("Segment 1 ·")
        try t.press("C-b")
        try t.waitFor("moving the start")
        try t.press("Left")
        try t.waitFor("(was ")
        try t.press("Tab")
        try t.waitFor("moving the end")
        try t.press("Right", "Right")
        usleep(300_000)
        try t.press("Enter")
        try t.waitFor("Boundaries now")
        let moved = try p.rows("SELECT start, \"end\" FROM segments WHERE id = 1").first
        #expect(abs((moved?["start"].double ?? 0) - (start - 0.1)) < 0.001)
        #expect(abs((moved?["end"].double ?? 0) - (end + 0.2)) < 0.001)
        #expect(try p.rows("SELECT action FROM segment_edits ORDER BY id").map { $0["action"].string } == ["start", "end"])
        // Split at the playhead (the start edge has played for a moment), then merge back.
        try t.press("C-b")
        try t.waitFor("moving the start")
        usleep(800_000)
        try t.type("s")
        var screen = try t.waitFor("Split at")
        let segments = try p.rows("SELECT id FROM segments").count
        #expect(segments == 9)
        #expect(screen.contains("with its own tasks"))
        try t.press("C-b")
        try t.waitFor("moving the start")
        try t.type("m")
        screen = try t.waitFor("Merged segment")
        #expect(try p.rows("SELECT id FROM segments").count == 8)
        // A boundary-wrong skip and an "other" skip with a comment.
        try t.press("C-s")
        try t.waitFor("boundary wrong")
        try t.press("6")
        try t.waitFor("why?")
        try t.type("kelele nyingi")
        try t.press("Enter")
        try t.waitFor("Skipped")
        #expect(try p.rows("SELECT reason, comment FROM skips").first?["comment"].string == "kelele nyingi")
        try t.press("C-q")
        try t.waitForExit()
    }

    @Test func timestampsWhereTheProjectAllowsThemAndAFailingPlayerInOneLine() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], columns: 80, rows: 24)
        try t.waitFor("Segment 1 ·")
        try t.press("C-x")
        try t.waitFor("does not use timestamps")
        try t.press("C-q")
        try t.waitForExit()
        try p.configure("timestamps: true\nseek_seconds: 1")
        let u = try p.start(["transcribe", "--as", "amina"], columns: 80, rows: 24)
        try u.waitFor("Segment 1 ·")
        try u.type("neno")
        try u.press("C-x")
        let screen = try u.waitUntil("a timestamp in the text") { $0.contains("> neno [0:0") }
        #expect(screen.contains("±1 s"), "the seek step from the settings")
        try u.press("Enter")
        try u.waitFor("Submitted.")
        #expect(try p.rows("SELECT text FROM annotations").first?["text"].string?.hasPrefix("neno [0:0") == true)
        try u.press("C-q")
        try u.waitForExit()
        // An external player that cannot start: one readable line, with its own words.
        let line = ([ChorusProcess.binary, "transcribe", "--as", "baraka", "--project", p.dir, "--audio", "player", "--player", "nosuchplayer-xyz"])
            .map(p.quote).joined(separator: " ")
        let v = try TmuxScreen("exec \(line)", columns: 200, rows: 30, environment: ["NO_COLOR": "1"])
        let failed = try v.waitFor("silent: player: nosuchplayer-xyz failed")
        let row = try #require(failed.split(separator: "\n").first { $0.contains("failed") })
        #expect(row.contains("exited with status 127") && row.contains("not found"), "\(row)")
        try v.press("C-q")
        try v.waitForExit()
    }
}
