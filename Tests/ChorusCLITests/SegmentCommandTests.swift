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

    /// `--out /dev/null` (or `/dev/stdout`, or a named pipe) is written in place: renaming the
    /// manifest over it put a regular file where the device was, which as root replaced the
    /// machine's /dev/null. A FIFO stands in for the device here.
    @Test func outToAPipeWritesIntoThePipeAndLeavesItAPipe() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let scratch = try Fixtures.scratch()
        let fifo = scratch + "/manifest.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader is there before the writer opens (so the writer does not wait for one).
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let run = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q", "--out", fifo])
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFIFO)
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(reader, &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let toStdout = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q"])
        #expect(String(decoding: received, as: UTF8.self) == toStdout.stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == ["manifest.fifo"])
    }

    /// A manifest path that is a symbolic link (a dotfile manager's, a shared folder's) keeps
    /// its link: the file it points to is replaced. And a file kept private stays private.
    @Test func outThroughASymbolicLinkReplacesItsTargetAndKeepsTheLinkAndPermissions() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let scratch = try Fixtures.scratch()
        try FileManager.default.createDirectory(atPath: scratch + "/shared", withIntermediateDirectories: true)
        try Fixtures.writeText("old\n", to: scratch + "/shared/segments.jsonl")
        #expect(chmod(scratch + "/shared/segments.jsonl", 0o600) == 0)
        #expect(symlink("shared/segments.jsonl", scratch + "/segments.jsonl") == 0)
        let run = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q", "--out", scratch + "/segments.jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: scratch + "/segments.jsonl")
        #expect(link == "shared/segments.jsonl")
        let toStdout = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q"])
        #expect(try String(contentsOfFile: scratch + "/shared/segments.jsonl", encoding: .utf8) == toStdout.stdout)
        var info = stat()
        #expect(stat(scratch + "/shared/segments.jsonl", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch + "/shared") == ["segments.jsonl"])
        // A directory is refused, in one line, and left alone.
        let refused = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q", "--out", scratch + "/shared"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(scratch)/shared: is a directory"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch + "/shared") == ["segments.jsonl"])
        // A link that leads to itself is refused, and kept.
        #expect(symlink("loop.jsonl", scratch + "/loop.jsonl") == 0)
        let loop = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q", "--out", scratch + "/loop.jsonl"])
        #expect(loop.status != 0)
        #expect(loop.stderr.contains("\(scratch)/loop.jsonl: too many levels of symbolic links"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch + "/loop.jsonl") == "loop.jsonl")
    }

    /// `--out /dev/stdout` writes to standard output as it is: appended to a file the shell
    /// opened with `>>`, not renamed over that file (which would lose what it held).
    @Test func outDevStdoutAppendsWhereTheShellPointsIt() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let file = try Fixtures.scratch() + "/all.jsonl"
        try Fixtures.writeText("earlier\n", to: file)
        let shell = try ChorusProcess.run(["-c", "\"$0\" segment \"$1\" --dry-run -q --out /dev/stdout >> \"$2\"",
                                           ChorusProcess.binary, dir + "/a.wav", file], executable: "/bin/sh")
        #expect(shell.status == 0, "\(shell.stderr)")
        let plain = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q"])
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "earlier\n" + plain.stdout)
    }

    /// `--out -` is standard output, as in most tools: it made a file named "-".
    @Test func outDashIsStandardOutput() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let cwd = try Fixtures.scratch()
        let dash = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "--out", "-"], in: cwd)
        let plain = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run"], in: cwd)
        #expect(dash.status == 0)
        #expect(!dash.stdout.isEmpty)
        #expect(dash.stdout == plain.stdout)
        // The summary stays on standard error, out of the manifest's way.
        #expect(dash.stderr.contains("segmented 1 file"), "\(dash.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd).isEmpty)
    }

    /// `--out` naming one of the recordings being segmented (`--out a.wav` for `a.jsonl`)
    /// once replaced the recording with its manifest. It is refused before anything is read,
    /// under its own name or another (a hard link), and the recording is untouched.
    @Test func outNeverReplacesARecordingItSegments() throws {
        let dir = try Self.folderWithGoodAndBadFiles()
        let audio = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.wav"))
        let same = try ChorusProcess.run(["segment", dir + "/a.wav", "--dry-run", "-q", "--out", dir + "/a.wav"])
        #expect(same.status != 0)
        #expect(same.stderr.contains("\(dir)/a.wav: is a file this run reads: writing the output there would destroy it"), "\(same.stderr)")
        #expect(link(dir + "/a.wav", dir + "/also-a.wav") == 0)
        let linked = try ChorusProcess.run(["segment", dir, "--dry-run", "-q", "--out", dir + "/also-a.wav"])
        #expect(linked.status != 0)
        #expect(linked.stderr.contains("\(dir)/also-a.wav: is "), "\(linked.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.wav")) == audio)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/also-a.wav")) == audio)
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
