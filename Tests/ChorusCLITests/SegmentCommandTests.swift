import Foundation
import Testing
import TestSupport

@Suite struct SegmentCommandTests {
    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func folderWithGoodAndBadFiles() throws -> String {
        let dir = try Fixtures.scratch()
        try FileManager.default.createDirectory(atPath: dir + "/day2", withIntermediateDirectories: true)
        let speech = Signals.compose(rate: 16_000, pattern: [1, 2, 1, 1.5, 1]).samples
        try Fixtures.write(speech, to: dir + "/a.wav", rate: 16_000)
        try Fixtures.write(Signals.interleave([speech, speech]), to: dir + "/day2/b.flac", rate: 16_000, channels: 2, type: .flac)
        try Fixtures.writeText("", to: dir + "/empty.wav")
        try Fixtures.writeText("not audio at all\n", to: dir + "/day2/notes.wav")
        return dir
    }

    @Test func aMixedFolderProcessesTheGoodNamesTheBadAndExitsNonZero() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let run = try ChorusProcess.run(["segment", dir, "--dry-run"])
        #expect(run.status == 1)
        let segments = Self.lines(run.stdout)
        #expect(segments.count == 4)
        #expect(Set(segments.compactMap { $0["file"] as? String }) == [dir + "/a.wav", dir + "/day2/b.flac"])
        for s in segments {
            let start = try #require(s["start"] as? Double), end = try #require(s["end"] as? Double)
            #expect(abs((s["duration"] as? Double ?? 0) - (end - start)) < 1e-9)
        }
        #expect(run.stderr.contains("chorus: error: \(dir)/empty.wav: file is empty (0 bytes)"))
        #expect(run.stderr.contains("chorus: error: \(dir)/day2/notes.wav: cannot open as audio"))
        #expect(run.stderr.contains("segmented 2 files"))
        #expect(run.stderr.contains("failed: 2 files"))
    }

    @Test func outWritesTheSameManifestAtomically() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let out = try Fixtures.scratch() + "/segments.jsonl"
        let toFile = try ChorusProcess.run(["segment", dir + "/a.wav", dir + "/day2/b.flac", "--dry-run", "--out", out, "--json"])
        #expect(toFile.status == 0)
        #expect(toFile.stderr.isEmpty)
        let summary = try #require(Self.lines(toFile.stdout).first)
        #expect(Self.lines(toFile.stdout).count == 1)
        #expect(summary["files"] as? Int == 2)
        #expect(summary["segments"] as? Int == 4)
        #expect((summary["failed"] as? [String])?.isEmpty == true)
        let toStdout = try ChorusProcess.run(["segment", dir + "/a.wav", dir + "/day2/b.flac", "--dry-run", "-q"])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == toStdout.stdout)
        #expect(toStdout.stderr.isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent)
        #expect(leftovers == ["segments.jsonl"])
    }

    /// Mains hum is a fault of the recording chain a data engineer wants to hear about: the
    /// summary names the files it was heard in, with its frequency.
    @Test func theSummaryNamesTheFilesWithMainsHum() throws {
        let dir = try Fixtures.scratch()
        let speech = Signals.compose(rate: 16_000, pattern: [1.5, 2, 1.5, 2.5, 1.5]).samples
        try Fixtures.write(Signals.mix(speech, Signals.hum(count: speech.count, rate: 16_000, level: -30, mains: 60)), to: dir + "/hum.wav", rate: 16_000)
        try Fixtures.write(Signals.mix(speech, Signals.whiteNoise(count: speech.count, level: -50)), to: dir + "/clean.wav", rate: 16_000)
        let json = try ChorusProcess.run(["segment", dir + "/hum.wav", dir + "/clean.wav", "--dry-run", "--jobs", "1", "--out", dir + "/m.jsonl", "--json"])
        #expect(json.status == 0)
        let summary = try #require(Self.lines(json.stdout).first)
        let hum = try #require(summary["mains_hum"] as? [[String: Any]])
        #expect(hum.count == 1)
        #expect(hum.first?["file"] as? String == dir + "/hum.wav")
        #expect(hum.first?["hz"] as? Int == 60)
        let text = try ChorusProcess.run(["segment", dir + "/hum.wav", dir + "/clean.wav", "--dry-run", "--jobs", "1", "--out", dir + "/m.jsonl"])
        #expect(text.stdout.contains("mains hum heard in 1 file: \(dir)/hum.wav (60 Hz)"))
    }

    @Test func theSampleCorpusGivesThirtyOneSegmentsTheSameEveryRun() throws {
        let first = try ChorusProcess.run(["segment", Fixtures.corpus, "--dry-run", "--jobs", "2"])
        let second = try ChorusProcess.run(["segment", Fixtures.corpus, "--dry-run", "--jobs", "1"])
        #expect(first.status == 0)
        // 33 utterances; two quick replies in the conversation have no pause before them.
        #expect(Self.lines(first.stdout).count == 31)
        #expect(first.stdout == second.stdout)
    }

    @Test func withoutDryRunItNeedsAProjectAndSaysHowToMakeOne() throws {
        let dir = try Fixtures.scratch()
        let run = try ChorusProcess.run(["segment", Fixtures.corpus], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == "chorus: error: .: not a Chorus project (no chorus.yaml); create one with `chorus init . --source-lang LANG`\n")
        #expect(try ChorusProcess.run(["segment", Fixtures.corpus, "--out", dir + "/x.jsonl"]).status == 64)
    }

    @Test func badFlagValuesAreUsageErrors() throws {
        for args in [["--channel", "left"], ["--min-silence", "0"], ["--jobs", "0"]] {
            let run = try ChorusProcess.run(["segment", Fixtures.corpus, "--dry-run"] + args)
            #expect(run.status == 64, "\(args)")
            #expect(run.stdout.isEmpty)
        }
    }
}

@Suite struct ProgressTests {
    /// Runs chorus in a pseudo-terminal through util-linux's `script`, so standard error is a terminal.
    static func inTerminal(_ arguments: [String]) throws -> ChorusRun {
        let command = ([ChorusProcess.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ChorusRun(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func aTerminalGetsAProgressBarAndAPipeDoesNot() throws {
        let out = try Fixtures.scratch() + "/m.jsonl"
        let terminal = try Self.inTerminal(["segment", Fixtures.corpus, "--dry-run", "--out", out, "--jobs", "1"])
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("segmenting"))
        #expect(terminal.stdout.contains("5/5"))
        #expect(terminal.stdout.contains("\u{1B}[2K"))
        let piped = try ChorusProcess.run(["segment", Fixtures.corpus, "--dry-run", "--out", out], environment: ["TERM": "xterm"])
        #expect(!piped.stderr.contains("segmenting"))
        #expect(!piped.stdout.contains("segmenting"))
    }
}
