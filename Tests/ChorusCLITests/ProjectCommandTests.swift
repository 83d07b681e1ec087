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
        #expect(totals?["recordings"] as? Int == 4)
        #expect(totals?["segments"] as? Int == 26)
    }
}
