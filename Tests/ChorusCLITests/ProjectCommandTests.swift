import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite struct ProjectCommandTests {
    @Test func initWritesACommentedConfigAndRefusesToOverwrite() throws {
        let dir = try Fixtures.scratch() + "/corpus"
        let run = try ChorusProcess.run(["init", dir, "--source-lang", "SW", "--target-lang", "en", "--target-lang", "fr", "--json"])
        #expect(run.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["source_language"] as? String == "sw")
        #expect(object?["target_languages"] as? [String] == ["en", "fr"])
        let yaml = try String(contentsOfFile: dir + "/chorus.yaml", encoding: .utf8)
        #expect(yaml.contains("source_language: sw"))
        #expect(yaml.contains("# Transcription tasks per segment"))
        let again = try ChorusProcess.run(["init", dir, "--source-lang", "sw"])
        #expect(again.status == 1)
        #expect(again.stderr == "chorus: error: \(dir): already holds a Chorus project\n")
    }

    @Test("bad languages are usage errors", arguments: [["--source-lang", "swahili"], ["--source-lang", "sw", "--target-lang", "sw"], ["--source-lang", "en-QQ"]])
    func badLanguages(args: [String]) throws {
        let dir = try Fixtures.scratch() + "/p"
        let run = try ChorusProcess.run(["init", dir] + args)
        #expect(run.status == 64)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func importingTwiceAddsNothingAndBadFilesAreNamed() throws {
        let dir = try Fixtures.scratch()
        #expect(try ChorusProcess.run(["init", dir + "/p", "--source-lang", "sw", "--target-lang", "en"]).status == 0)
        let audio = dir + "/audio"
        try FileManager.default.createDirectory(atPath: audio, withIntermediateDirectories: true)
        for name in ["sw-soko.flac", "en-habari.flac"] {
            try FileManager.default.copyItem(atPath: Fixtures.corpus + "/audio/" + name, toPath: audio + "/" + name)
        }
        try Fixtures.writeText("not audio", to: audio + "/broken.wav")
        let first = try ChorusProcess.run(["segment", audio, "--project", dir + "/p", "--json"])
        #expect(first.status == 1)
        #expect(first.stderr.contains("broken.wav: cannot open as audio"))
        let summary = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(summary?["files"] as? Int == 2)
        #expect(summary?["segments"] as? Int == 13)
        // The same content under another name is the same recording.
        try FileManager.default.copyItem(atPath: audio + "/sw-soko.flac", toPath: audio + "/copy-of-soko.flac")
        try FileManager.default.removeItem(atPath: audio + "/broken.wav")
        let second = try ChorusProcess.run(["segment", audio, "--project", dir + "/p", "--json"])
        #expect(second.status == 0)
        let again = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        #expect(again?["files"] as? Int == 0)
        #expect((again?["already_imported"] as? [String])?.count == 3)
    }

    @Test func severalProcessesOpeningANewProjectAtOnceAllSucceed() throws {
        let dir = try Fixtures.scratch()
        #expect(try ChorusProcess.run(["init", dir + "/p", "--source-lang", "en"]).status == 0)
        // The six processes below race to open the new store (only init creates one) and import.
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.corpus + "/audio").sorted().map { Fixtures.corpus + "/audio/" + $0 }
        // Six processes race to open, migrate and import into the same project, each with all files.
        let runs = try (0..<6).map { _ -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ChorusProcess.binary)
            p.arguments = ["segment"] + files + ["--project", dir + "/p", "--quiet", "--jobs", "1"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in runs { p.waitUntilExit() }
        #expect(runs.allSatisfy { $0.terminationStatus == 0 })
        let status = try ChorusProcess.run(["status", "--project", dir + "/p", "--json"])
        let totals = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        // The sample's five recordings; without its RTTM the conversation's quick replies join the turn before.
        #expect(totals?["recordings"] as? Int == 5)
        #expect(totals?["segments"] as? Int == 31)
    }
}

@Suite struct ResegmentTests {
    static func status(_ dir: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(try ChorusProcess.run(["status", "--project", dir, "--json"]).stdout.utf8)) as? [String: Any])
    }

    @Test func resegmentingReplacesSegmentsUntilWorkExistsThenRefuses() throws {
        let dir = try Fixtures.scratch() + "/p"
        let soko = Fixtures.corpus + "/audio/sw-soko.flac"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw"]).status == 0)
        #expect(try ChorusProcess.run(["segment", soko, "--project", dir, "-q"]).status == 0)
        #expect(try Self.status(dir)["segments"] as? Int == 8)
        // Without --resegment, other settings change nothing.
        #expect(try ChorusProcess.run(["segment", soko, "--project", dir, "-q", "--min-silence", "2"]).status == 0)
        #expect(try Self.status(dir)["segments"] as? Int == 8)
        // With it, pauses under 2 s no longer separate: fewer, longer segments, and their tasks.
        let again = try ChorusProcess.run(["segment", soko, "--project", dir, "--resegment", "--min-silence", "2", "--json"])
        #expect(again.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect((summary?["resegmented"] as? [String]) == [soko])
        let fewer = try #require(try Self.status(dir)["segments"] as? Int)
        #expect(fewer < 8 && fewer > 0)
        let tasks = try Self.status(dir)["tasks"] as? [[String: Any]]
        #expect(tasks?.first?["open"] as? Int == fewer * 2)
        // Once someone has submitted work on it, re-segmenting is refused and nothing changes.
        #expect(try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", dir]).status == 0)
        let claim = try JSONSerialization.jsonObject(with: Data(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--project", dir, "--json"]).stdout.utf8)) as? [String: Any]
        let id = try #require(claim?["task_id"] as? Int)
        #expect(try ChorusProcess.run(["tasks", "submit", "\(id)", "--as", "amina", "--text", "habari", "--project", dir]).status == 0)
        let refused = try ChorusProcess.run(["segment", soko, "--project", dir, "--resegment"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("chorus: error: \(soko): its segments already carry work"))
        #expect(try Self.status(dir)["segments"] as? Int == fewer)
    }
}

@Suite struct MetadataTests {
    @Test func speakersAndOtherColumnsAreStoredAndCanBeUpdated() throws {
        let dir = try Fixtures.scratch()
        let soko = Fixtures.corpus + "/audio/sw-soko.flac", kijiji = Fixtures.corpus + "/audio/sw-kijiji.flac"
        #expect(try ChorusProcess.run(["init", dir + "/p", "--source-lang", "sw"]).status == 0)
        let csv = dir + "/speakers.csv"
        try Fixtures.writeText("file,speaker,region,note\nsw-soko.flac,spk1,Pwani,\"market, morning\"\n\(kijiji),spk2,Ziwa,\n", to: csv)
        let run = try ChorusProcess.run(["segment", soko, kijiji, "--project", dir + "/p", "--metadata", csv, "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        let stored = try Project.open(at: dir + "/p").store.recordings()
        #expect(stored.map(\.speaker) == ["spk1", "spk2"])
        #expect(stored.first?.metadata == #"{"note":"market, morning","region":"Pwani"}"#)
        // Given again for content already there, it updates the speaker without re-segmenting,
        // and says so; a row for a file not in the batch is named, not silently ignored. A
        // byte order mark (as spreadsheets write) is accepted.
        try Fixtures.writeText("\u{FEFF}file,speaker\nsw-soko.flac,spk9\nmissing.flac,spk3\n", to: csv)
        let again = try ChorusProcess.run(["segment", soko, kijiji, "--project", dir + "/p", "--metadata", csv])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("\(csv):3: 'missing.flac' matches no file of this batch"), "\(again.stderr)")
        #expect(again.stdout.contains("speaker or metadata changed: 1 recording: \(soko)"), "\(again.stdout)")
        #expect(try Project.open(at: dir + "/p").store.recordings().first?.speaker == "spk9")
    }

    @Test("a bad metadata file is named with its line", arguments: [
        ("speaker,region\nspk1,Pwani\n", "no 'file' column"),
        ("file,speaker\nsw-soko.flac,spk1,extra\n", ":2: 3 fields, but the header has 2"),
        ("file,speaker\nsw-soko.flac,a\nsw-soko.flac,b\n", ":3: 'sw-soko.flac' is listed twice"),
        ("file,speaker\nsw-soko.flac,\"neema\n", ":2: a quoted field is not closed"),
        ("file,speaker\nsw-soko.flac,ne\"ema\n", ":2: a quote inside an unquoted field"),
        ("file,speaker\nsw-soko.flac,\"neema\"x\n", ":2: a quoted field is followed by more text"),
        ("file,speaker\nsw-soko.flac,a\n\(Fixtures.corpus)/audio/sw-soko.flac,b\n", "lines 3 and 2 both describe"),
    ])
    func badFiles(text: String, expected: String) throws {
        let dir = try Fixtures.scratch()
        #expect(try ChorusProcess.run(["init", dir + "/p", "--source-lang", "sw"]).status == 0)
        try Fixtures.writeText(text, to: dir + "/m.csv")
        let run = try ChorusProcess.run(["segment", Fixtures.corpus + "/audio/sw-soko.flac", "--project", dir + "/p", "--metadata", dir + "/m.csv"])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("chorus: error: \(dir)/m.csv"))
        #expect(run.stderr.contains(expected), "\(run.stderr)")
        #expect(try Project.open(at: dir + "/p").store.recordings().isEmpty)
    }
}
