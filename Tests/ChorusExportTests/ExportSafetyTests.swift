@testable import ChorusExport
import ChorusStore
import Foundation
import Testing
import TestSupport

/// `--force` removes only what an earlier export wrote, never the project, and a corpus is
/// replaced only by an export that succeeded.
@Suite struct ExportSafetyTests {
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func forceNeverRemovesAProjectFolderThatHoldsAnExportJSON() throws {
        let world = try ExportWorld()
        let corpus = world.dir + "/corpus"
        #expect(try world.export(["--format", "tmx"], out: corpus).status == 0)
        let project = world.dir + "/project"
        try FileManager.default.copyItem(atPath: corpus + "/export.json", toPath: project + "/export.json")
        let run = try world.export(["--format", "tmx", "--force"], out: project)
        #expect(run.status == 1)
        #expect(run.stderr.contains("which the project uses"), "\(run.stderr)")
        #expect(exists(project + "/chorus.yaml") && exists(project + "/chorus.sqlite"))
    }

    @Test func forceNeverRemovesAnOldCorpusThatHoldsTheProjectOrItsRecordings() throws {
        let world = try ExportWorld()
        // The world's folder holds the project and the audio; make it look like an old corpus.
        let corpus = world.dir + "/corpus"
        #expect(try world.export(["--format", "tmx"], out: corpus).status == 0)
        for name in ["export.json", "SHA256SUMS"] {
            try FileManager.default.copyItem(atPath: corpus + "/" + name, toPath: world.dir + "/" + name)
        }
        let run = try world.export(["--format", "tmx", "--force"], out: world.dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("which the project uses"), "\(run.stderr)")
        #expect(exists(world.dir + "/project/chorus.sqlite"))
        #expect(exists(world.audio + "/r3.wav"))
        // The same through a link to the folder.
        let link = try Fixtures.scratch("chorus-link") + "/old-corpus"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: world.dir)
        let linked = try world.export(["--format", "tmx", "--force"], out: link)
        #expect(linked.status == 1 && linked.stderr.contains("which the project uses"), "\(linked.stderr)")
        #expect(exists(world.dir + "/project/chorus.sqlite"))
    }

    @Test func forceRefusesAndNamesFilesAPersonAddedToACorpus() throws {
        let world = try ExportWorld()
        let corpus = world.dir + "/corpus"
        #expect(try world.export(["--format", "tmx,nemo"], out: corpus).status == 0)
        try "my notes".write(toFile: corpus + "/notes.txt", atomically: true, encoding: .utf8)
        let run = try world.export(["--format", "tmx", "--force"], out: corpus)
        #expect(run.status == 1)
        #expect(run.stderr.contains("notes.txt") && run.stderr.contains("no export wrote"), "\(run.stderr)")
        #expect(try read(corpus + "/notes.txt") == "my notes")
        #expect(exists(corpus + "/nemo"), "the old corpus is untouched")
        // Without the stray file, --force replaces the corpus, and nothing of the old one stays.
        try FileManager.default.removeItem(atPath: corpus + "/notes.txt")
        let again = try world.export(["--format", "tmx", "--force"], out: corpus)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!exists(corpus + "/nemo"))
        #expect(!exists(world.dir + "/.corpus.old"))
    }

    @Test func aPartialFolderThatNoExportLeftIsNeverRemoved() throws {
        let world = try ExportWorld()
        let partial = world.dir + "/.corpus.partial"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        try "mine".write(toFile: partial + "/mine.txt", atomically: true, encoding: .utf8)
        let run = try world.export(["--format", "tmx"], out: world.dir + "/corpus")
        #expect(run.status == 1)
        #expect(run.stderr.contains("was not left by an export"), "\(run.stderr)")
        #expect(try read(partial + "/mine.txt") == "mine")
    }

    @Test func aFailedExportNeverReplacesACompleteCorpus() throws {
        let world = try ExportWorld()
        let corpus = world.dir + "/corpus"
        #expect(try world.export(["--format", "nemo"], out: corpus).status == 0)
        let before = try read(corpus + "/SHA256SUMS")
        try FileManager.default.removeItem(atPath: world.audio + "/r3.wav")
        let run = try world.export(["--format", "nemo", "--force", "--json"], out: corpus)
        #expect(run.status == 1)
        #expect(run.stderr.contains("r3.wav"))
        #expect(run.stderr.contains("was kept") && run.stderr.contains(".corpus.partial"), "\(run.stderr)")
        #expect(try read(corpus + "/SHA256SUMS") == before, "the complete corpus stays")
        #expect(try shell("cd '\(corpus)' && sha256sum --quiet -c SHA256SUMS").status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((summary["path"] as? String)?.hasSuffix(".corpus.partial") == true)
        #expect(exists(world.dir + "/.corpus.partial/nemo"), "the new, incomplete export is left where the message says")
    }

    @Test func aProjectWithNothingSettledIsAnErrorUnlessAskedFor() throws {
        let dir = try Fixtures.scratch("chorus-empty-export")
        let project = try Project.create(at: dir + "/project", config: ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: []))
        let audio = try Fixtures.write(Signals.speech(seconds: 4, rate: 16_000, seed: 3), to: dir + "/a.wav", rate: 16_000)
        var r = NewRecording(sha256: "a", path: audio, duration: 4, sampleRate: 16_000, channels: 1, container: "wav", encoding: "pcm16",
                             segmenter: "{}", segments: [(0.5, 3.5, 0.5, 3.5)])
        r.transcriptionTasks = ("sw", 2)
        try project.store.add(r)
        let run = try ChorusProcess.run(["export", "--project", dir + "/project", "--out", dir + "/corpus", "--format", "nemo"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("nothing to export") && run.stderr.contains("--allow-empty"), "\(run.stderr)")
        #expect(!exists(dir + "/corpus") && !exists(dir + "/.corpus.partial"))
        let allowed = try ChorusProcess.run(["export", "--project", dir + "/project", "--out", dir + "/corpus", "--format", "nemo", "--allow-empty"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(exists(dir + "/corpus/export.json"))
    }
}

/// Libraries' own diagnostics stay off our output, and names cannot break a line.
@Suite struct QuietOutputTests {
    @Test func exportingFromMP3PrintsNoLibraryNoise() throws {
        let dir = try Fixtures.scratch("chorus-mp3")
        let mp3 = try Fixtures.write(Signals.speech(seconds: 20, rate: 16_000, seed: 11), to: dir + "/talk.mp3", rate: 16_000, type: .mp3, encoding: .codec)
        #expect(try ChorusProcess.run(["init", dir + "/p", "--source-lang", "sw", "--redundancy", "1"]).status == 0)
        let imported = try ChorusProcess.run(["segment", mp3, "--project", dir + "/p"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let project = try Project.open(at: dir + "/p")
        try project.store.addAnnotator(name: "amina", languages: [LanguageTag("sw")], rate: nil, creditName: nil)
        var settled = 0
        while let t = try? project.work.claim(as: "amina", kind: .transcribe) {
            if try project.work.submit(task: t.taskID, as: "amina", text: "habari \(t.segmentID)").settled != nil { settled += 1 }
        }
        #expect(settled >= 2, "clips that start inside the MP3, so the decoder seeks")
        let run = try ChorusProcess.run(["export", "--project", dir + "/p", "--out", dir + "/corpus", "--format", "nemo"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("[src/") && !run.stderr.contains("libmpg123"), "\(run.stderr)")
    }

    @Test func aNewlineInAFileNameStaysOnOneLine() throws {
        let dir = try Fixtures.scratch("chorus-names")
        let run = try ChorusProcess.run(["segment", dir + "/two\nlines.wav", "--dry-run"])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("chorus: error: ") && $0.hasSuffix("two\\nlines.wav: no such file or folder") }, "\(run.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("chorus: ") || $0.hasPrefix("segmented ") || $0.hasPrefix("failed: ") }, "\(run.stderr)")
    }
}
