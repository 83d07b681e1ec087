@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// A project on one sample recording with three annotators, for driving the real `chorus`
/// binary in a pseudo-terminal.
struct LoopProject {
    let dir: String

    /// - Parameter termsSeen: mark the pay terms as shown already, so the loop starts at the
    ///   first segment (the terms screen has its own test).
    init(recordings: [String] = ["sw-soko.flac"], redundancy: Int = 2, termsSeen: Bool = true) throws {
        dir = try Fixtures.scratch("chorus-loop")
        try check(["init", dir, "--source-lang", "sw", "--target-lang", "en", "--redundancy", String(redundancy)])
        try check(["segment"] + recordings.map { Fixtures.corpus + "/audio/" + $0 } + ["--project", dir])
        try check(["annotators", "add", "amina", "--languages", "sw", "--project", dir])
        try check(["annotators", "add", "baraka", "--languages", "sw", "--project", dir])
        try check(["annotators", "add", "chausiku", "--languages", "sw,en", "--project", dir])
        if termsSeen {
            let project = try Project.open(at: dir)
            for name in ["amina", "baraka", "chausiku"] { try project.work.acknowledgeTerms(as: name) }
        }
    }

    /// Sets `key: value` lines in the project's chorus.yaml, replacing the key's line.
    func configure(_ yaml: String) throws {
        let path = dir + "/chorus.yaml"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        for setting in yaml.split(separator: "\n") {
            let key = setting.split(separator: ":")[0] + ":"
            if let i = lines.firstIndex(where: { $0.hasPrefix(key) }) { lines[i] = String(setting) } else { lines.append(String(setting)) }
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func check(_ args: [String]) throws {
        let run = try ChorusProcess.run(args)
        guard run.status == 0 else { throw TestSetupError("chorus \(args.joined(separator: " ")) failed: \(run.stderr)") }
    }

    /// Starts `chorus ARGS --project DIR --audio none` in a terminal. With `thenShell`, the
    /// shell prints the exit status and the line-mode settings after chorus exits
    /// (`STTY: icanon echo` when the terminal was put back; `-icanon -echo` when left raw).
    func start(_ args: [String], thenShell: Bool = false, columns: Int = 100, rows: Int = 30) throws -> TmuxScreen {
        let line = ([ChorusProcess.binary] + args + ["--project", dir, "--audio", "none"]).map(quote).joined(separator: " ")
        let modes = "stty -a | grep -oE -- '-?(icanon|echo)( |$)' | tr -d '\\n'"
        // The shell stays a while: tmux 3.3 redraws a pane that dies straight after a program
        // leaves the alternate screen from its saved grid, losing the lines printed since.
        let command = thenShell ? "\(line); echo EXIT=$?; printf 'STTY: '; \(modes); echo; sleep 10" : "exec \(line)"
        return try TmuxScreen(command, columns: columns, rows: rows, environment: ["NO_COLOR": "1"])
    }

    /// Rows from the project's store, opened afresh as another process would.
    func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [SQLRow] {
        let project = try Project.open(at: dir)
        return try project.store.database.read { try $0.query(sql, values) }
    }

    func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

@Suite("The annotation loop in a real terminal", .serialized)
struct AnnotationLoopTests {
    @Test func typeNonASCIIReplayChangeSpeedAndSubmit() throws {
        let p = try LoopProject()
        let log = p.dir + "/timing.jsonl"
        let t = try p.start(["transcribe", "--as", "amina", "--timing-log", log])
        var screen = try t.waitFor("silent: playback is off")
        #expect(screen.contains("Segment 1 · sw-soko.flac"))
        #expect(screen.contains("Transcript (sw)"))
        // Decomposed é (e + combining acute), a Swahili ŋ, double-width CJK and Arabic.
        try t.type("Mwalimu ame\u{301}sema ŋombe 東京 مرحبا")
        screen = try t.waitFor("ŋombe 東京 مرحبا")
        // The cursor sits after the text as a person sees it: the combining mark takes no
        // column, each CJK character two.
        try t.press("C-Up", "C-Up")
        try t.waitFor("1.20×")
        try t.press("C-Down")
        try t.waitFor("1.10×")
        try t.press("Tab")
        screen = try t.waitFor("▶ playing 0:0")
        // Word delete and undo.
        try t.press("C-w")
        try t.waitUntil("the last word deleted") { !$0.contains("مرحبا") && $0.contains("東京") }
        try t.press("C-z")
        try t.waitFor("東京 مرحبا")
        // A tag from the menu; an unknown one is refused at submit with the text kept.
        try t.press("C-t")
        try t.waitFor("Insert a tag:")
        try t.press("1")
        try t.waitFor("مرحبا [noise]")
        try t.type("[kelele]")
        try t.press("Enter")
        try t.waitFor("[kelele] is not one of this project's tags")
        #expect(try p.rows("SELECT * FROM annotations").isEmpty)
        try t.press("C-w", "BSpace")
        try t.press("Enter")
        // The header's figures follow a moment after the next segment (fetched in the background).
        screen = try t.waitUntil("the next segment and the header") { $0.contains("Segment 2 ·") && $0.contains("done today 1") }
        #expect(screen.contains("Submitted."))
        let stored = try p.rows("SELECT text, active_seconds, from_machine_draft, kind FROM annotations")
        #expect(stored.count == 1)
        #expect(stored.first?["text"].string == "Mwalimu amésema ŋombe 東京 مرحبا [noise]")
        #expect((stored.first?["active_seconds"].double ?? 0) > 0)
        #expect(stored.first?["from_machine_draft"].int == 0)
        // Enter to the next clip's audio, as measured by the loop itself.
        try t.waitUntil("a timing line", timeout: 5) { _ in FileManager.default.fileExists(atPath: log) }
        let timing = try String(contentsOfFile: log, encoding: .utf8)
        #expect(timing.contains("\"enter_to_audio_ms\":"))
        try t.press("C-q")
        try t.waitForExit()
    }

    @Test func killedMidDraftTheDraftComesBack() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"])
        try t.waitFor("Segment 1 ·")
        try t.type("nusu ya kazi ñ")
        try t.waitFor("> nusu ya kazi ñ")
        // Saved while typing, at most a couple of seconds behind.
        let deadline = Date().addingTimeInterval(3)
        var drafts: [SQLRow] = []
        while Date() < deadline {
            drafts = try p.rows("SELECT text FROM drafts")
            if drafts.first?["text"].string == "nusu ya kazi ñ" { break }
            usleep(100_000)
        }
        #expect(drafts.first?["text"].string == "nusu ya kazi ñ")
        kill(try t.pid(), SIGKILL)
        try t.waitForExit()
        let again = try p.start(["transcribe", "--as", "amina"])
        let screen = try again.waitFor("> nusu ya kazi ñ")
        #expect(screen.contains("Segment 1 ·"))
        #expect(screen.contains("your draft is as you left it"))
        try again.type(" imekwisha")
        try again.press("Enter")
        try again.waitFor("Segment 2 ·")
        #expect(try p.rows("SELECT text FROM annotations").first?["text"].string == "nusu ya kazi ñ imekwisha")
        try again.press("C-q")
    }

    @Test(arguments: [("HUP", SIGHUP), ("TERM", SIGTERM), ("INT", SIGINT)])
    func aSignalSavesTheDraftAtOnceAndRestoresTheTerminal(name: String, signal: Int32) throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "baraka"], thenShell: true)
        try t.waitFor("Segment 1 ·")
        try t.type("haraka \(name)")
        try t.waitFor("> haraka \(name)")
        // The loop's pid is the shell's child.
        let shell = try t.pid()
        let child = try childPID(of: shell)
        kill(child, signal)
        let screen = try t.waitUntil("the shell's report") { $0.contains("STTY: ") && $0.contains("echo") }
        #expect(try p.rows("SELECT text FROM drafts").first?["text"].string == "haraka \(name)")
        #expect(try p.rows("SELECT state FROM tasks WHERE annotator_id IS NOT NULL").first?["state"].string == "leased")
        // Raw mode is off again: the shell's terminal echoes and reads lines.
        #expect(screen.contains("STTY: icanon echo"))
    }

    @Test func quitGivesAnUntouchedTaskBackAndKeepsOneWithADraft() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], thenShell: true)
        try t.waitFor("Segment 1 ·")
        try t.press("C-q")
        var screen = try t.waitUntil("the shell's report") { $0.contains("STTY: ") && $0.contains("echo") }
        #expect(screen.contains("EXIT=0"))
        #expect(screen.contains("0 submitted, 0 skipped"))
        #expect(screen.contains("STTY: icanon echo"))
        #expect(try p.rows("SELECT COUNT(*) AS n FROM tasks WHERE state = 'leased'").first?["n"].int == 0)
        let u = try p.start(["transcribe", "--as", "amina"], thenShell: true)
        try u.waitFor("Segment 1 ·")
        try u.type("kesho")
        try u.press("C-c")
        screen = try u.waitUntil("the shell's report") { $0.contains("STTY: ") && $0.contains("echo") }
        #expect(screen.contains("EXIT=0"))
        #expect(screen.contains("is kept for you with your draft"))
        #expect(screen.contains("STTY: icanon echo"))
        #expect(try p.rows("SELECT text FROM drafts").first?["text"].string == "kesho")
    }

    @Test func aDraftTheStoreRefusesIsKeptInAFile() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], thenShell: true)
        try t.waitFor("Segment 1 ·")
        try t.type("maneno yasiyopotea")
        try t.waitFor("> maneno yasiyopotea")
        // The task disappears from the store underneath the loop (an administrator's mistake):
        // the draft can no longer be saved there.
        let project = try Project.open(at: p.dir)
        try project.store.database.write { c in
            for table in ["drafts", "leases", "annotations", "skips"] { try c.execute("DELETE FROM \(table) WHERE task_id = 1") }
            try c.execute("DELETE FROM tasks WHERE id = 1")
        }
        // Text on screen: quitting asks first (Ctrl-Q sits beside Ctrl-W).
        try t.press("C-q")
        try t.waitFor("Quit now? Your text is kept as a draft")
        try t.press("y")
        let screen = try t.waitUntil("the shell's report") { $0.contains("STTY: ") && $0.contains("echo") }
        // The warning wraps at the terminal's width wherever its words fall.
        #expect(screen.replacingOccurrences(of: "\n", with: "").contains("your text is kept in"))
        let folder = p.dir + "/recovered"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1)
        let kept = try String(contentsOfFile: folder + "/" + (files.first ?? ""), encoding: .utf8)
        #expect(kept.hasSuffix("maneno yasiyopotea\n"))
        #expect(kept.hasPrefix("task 1 · segment 1"))
    }

    @Test func distressingSkipWarnsTheNextPersonBeforeAnythingPlays() throws {
        let p = try LoopProject()
        let a = try p.start(["transcribe", "--as", "amina"])
        try a.waitFor("Segment 1 ·")
        try a.press("C-s")
        try a.waitFor("Skip this segment, because:")
        try a.press("4")
        try a.waitFor("Segment 2 ·")
        try a.press("C-q")
        try a.waitForExit()
        let skip = try p.rows("SELECT reason FROM skips")
        #expect(skip.first?["reason"].string == "distressing")
        #expect(try p.rows("SELECT content_warning FROM segments WHERE id = 1").first?["content_warning"].int == 1)

        let b = try p.start(["transcribe", "--as", "baraka"])
        let screen = try b.waitFor("Content warning")
        #expect(screen.contains("Nothing has played"))
        #expect(!screen.contains("playing"))
        usleep(600_000)  // keys typed before the warning appeared do not answer it
        try b.type("p")
        try b.waitFor("Segment 2 ·")
        #expect(try p.rows("SELECT COUNT(*) AS n FROM skips WHERE reason = 'distressing'").first?["n"].int == 2)
        try b.press("C-q")
    }

    @Test func reviewShowsBothVersionsAndSettlesThePickedOne() throws {
        let p = try LoopProject()
        let project = try Project.open(at: p.dir)
        // Differing by more than the agreement threshold (5 % of characters), so a review opens.
        for (name, text) in [("amina", "Habari ya asubuhi rafiki"), ("baraka", "Habari za jioni rafiki")] {
            let task = try project.work.claim(as: name, kind: .transcribe)
            #expect(task.segmentID == 1)
            _ = try project.work.submit(task: task.taskID, as: name, text: text)
        }
        let t = try p.start(["review", "--as", "chausiku"], columns: 120)
        var screen = try t.waitFor("Settled text (sw)")
        // Without colour (NO_COLOR) the words that differ are marked with asterisks.
        #expect(screen.contains("1 Habari *ya* *asubuhi* rafiki"))
        #expect(screen.contains("2 Habari *za* *jioni* rafiki"))
        // Side by side: both on one row.
        #expect(screen.split(separator: "\n").contains { $0.contains("*ya* *asubuhi*") && $0.contains("*za* *jioni*") })
        // The marks take columns too: no row wraps, so the title stays on the first row.
        #expect(screen.hasPrefix("Chorus · review sw · chausiku"), "\(screen)")
        // Reject version 1 with a reason its author will read; the review goes on.
        try t.press("M-r")
        screen = try t.waitFor("Reject which version?")
        #expect(!screen.contains("loading audio"), "the audio is there: it was not lost to the prompt")
        try t.type("1")
        try t.waitFor("Why is version 1 rejected?")
        try t.press("Enter")
        try t.waitFor("A rejection needs a reason")
        try t.type("asubuhi is not in the audio")
        try t.press("Enter")
        try t.waitFor("Version 1 rejected")
        let rejection = try p.rows("SELECT n.name, r.reason FROM rejections r JOIN annotations a ON a.id = r.annotation_id JOIN annotators n ON n.id = a.annotator_id")
        #expect(rejection.first?["name"].string == "amina" && rejection.first?["reason"].string == "asubuhi is not in the audio")
        try t.press("M-2")
        screen = try t.waitFor("> Habari za jioni rafiki")
        try t.press("C-w")
        try t.type("rafiki yangu")
        try t.press("Enter")
        try t.waitFor("Submitted; that segment is now settled.")
        let settled = try p.rows("SELECT text, method FROM settled WHERE segment_id = 1")
        #expect(settled.first?["text"].string == "Habari za jioni rafiki yangu")
        #expect(settled.first?["method"].string == "adjudicated")
        try t.press("C-q")
    }

    @Test func translationShowsTheSourceAndAMachineDraftPrefills() throws {
        let p = try LoopProject(redundancy: 1)
        let project = try Project.open(at: p.dir)
        let task = try project.work.claim(as: "amina", kind: .transcribe)
        _ = try project.work.submit(task: task.taskID, as: "amina", text: "Mvua inanyesha sokoni")
        // A stand-in for an MT command line: reads {text} and {lang}, as Argos Translate would.
        let t = try p.start(["translate", "--as", "chausiku", "--to", "en", "--draft-command", "printf '[%s] %s' {lang} {text} | tr a-z A-Z"])
        var screen = try t.waitFor("Translation (en)")
        #expect(screen.contains("Source:  Mvua inanyesha sokoni"))
        screen = try t.waitFor("> [EN] MVUA INANYESHA SOKONI")
        #expect(screen.contains("started from a machine draft"))
        try t.press("C-u")
        try t.type("It is raining at the market")
        try t.press("Enter")
        try t.waitFor("Submitted")
        let rows = try p.rows("SELECT text, kind, language, from_machine_draft FROM annotations WHERE kind = 'translate'")
        #expect(rows.first?["text"].string == "It is raining at the market")
        #expect(rows.first?["language"].string == "en")
        #expect(rows.first?["from_machine_draft"].int == 1)
        #expect(try p.rows("SELECT source FROM machine_drafts").first?["source"].string?.hasPrefix("command: printf") == true)
        try t.press("C-q")
    }

    @Test func pauseWhileTypingAndAnExternalPlayer() throws {
        let p = try LoopProject()
        let raw = p.dir + "/played.raw"
        let line = ([ChorusProcess.binary, "transcribe", "--as", "amina", "--project", p.dir, "--pause-while-typing",
                     "--rewind-on-resume", "1", "--audio", "player", "--player", "cat >> '\(raw)'"]).map(p.quote).joined(separator: " ")
        let t = try TmuxScreen("exec \(line)", columns: 100, rows: 30, environment: ["NO_COLOR": "1"])
        try t.waitFor("player: cat")
        try t.waitFor("▶ playing")
        try t.type("m")
        // Typing pauses the clip; a second after the last key it plays again.
        try t.waitFor("❚❚ paused")
        try t.waitFor("▶ playing", timeout: 5)
        try t.press("C-q")
        try t.waitFor("Quit now?")
        try t.press("Enter")
        try t.waitForExit()
        // The player was fed samples: 32-bit floats at the clip's rate.
        #expect((try Fixtures.size(raw)) > 16_000)
    }

    @Test func theScreenFitsANarrowTerminalAndHelpListsEveryKey() throws {
        let p = try LoopProject()
        let t = try p.start(["transcribe", "--as", "amina"], columns: 60)
        try t.waitFor("Segment 1 ·")
        try t.type(String(repeating: "maneno marefu 東京 ", count: 8))
        let screen = try t.waitFor("東京")
        // Every row within the width, the text wrapped over several rows.
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(screen.split(separator: "\n").filter { $0.contains("maneno") }.count >= 3)
        try t.press("F10")
        let help = try t.waitFor("any other key returns")
        #expect(help.contains("Tab, Ctrl-Space"))
        try t.press("Escape")
        try t.waitFor("Transcript (sw)")
        try t.press("C-q")
        try t.waitFor("Quit now?")
        try t.press("y")
        try t.waitForExit()
    }

    private func childPID(of parent: pid_t) throws -> pid_t {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
            if let first = children.split(separator: " ").first, let pid = pid_t(first) { return pid }
            usleep(50_000)
        }
        throw TestSetupError("no child of \(parent)")
    }
}

@Suite("The annotation loop's refusals")
struct AnnotationLoopRefusalTests {
    @Test func withoutATerminalOrWithBadSettingsItSaysWhyInOneLine() throws {
        let p = try LoopProject()
        let notTTY = try ChorusProcess.run(["transcribe", "--as", "amina", "--project", p.dir], environment: ["TERM": "xterm"])
        #expect(notTTY.status == 1)
        #expect(notTTY.stderr == "chorus: error: standard input and output must be a terminal for this command\n")
        let dumb = try ChorusProcess.run(["transcribe", "--as", "amina", "--project", p.dir])
        #expect(dumb.stderr.contains("TERM is 'dumb'"))
        let stranger = try ChorusProcess.run(["transcribe", "--as", "zawadi", "--project", p.dir], environment: ["TERM": "xterm"])
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("zawadi"))
        let french = try ChorusProcess.run(["translate", "--as", "chausiku", "--to", "fr", "--project", p.dir], environment: ["TERM": "xterm"])
        #expect(french.stderr == "chorus: error: --to fr: the project translates into en, not fr\n")
        let rewind = try ChorusProcess.run(["transcribe", "--as", "amina", "--rewind-on-resume", "9", "--project", p.dir])
        #expect(rewind.status != 0)
        #expect(rewind.stderr.contains("--rewind-on-resume must be between 0 and 5"))

        // A key setting that cannot work names the file and the setting.
        let config = p.dir + "/chorus.yaml"
        let yaml = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "keys: {}", with: "keys: {replay: [ctrl-banana]}")
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let badKey = try ChorusProcess.run(["transcribe", "--as", "amina", "--project", p.dir], environment: ["TERM": "xterm"])
        #expect(badKey.status == 1)
        #expect(badKey.stderr.contains("chorus.yaml: keys.replay: 'ctrl-banana' is not a key name"))
    }
}
