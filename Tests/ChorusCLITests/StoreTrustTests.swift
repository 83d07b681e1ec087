import ChorusStore
import Foundation
import Testing
import TestSupport

/// A project never moves to an empty store, and a read-only store can be read and is left as it was.
@Suite struct StoreTrustTests {
    /// A project with the sample corpus's Swahili recordings imported, on `engine`.
    static func project(_ engine: Engine) throws -> String {
        let dir = try Fixtures.scratch("chorus-trust")
        chmod(dir, 0o755)
        var args = ["init", dir + "/p", "--source-lang", "sw"]
        if let database = try engine.database() { args += ["--database", database] }
        let made = try ChorusProcess.run(args)
        guard made.status == 0 else { throw TestSetupError(made.stderr) }
        let imported = try ChorusProcess.run(["segment", Fixtures.corpus + "/audio/sw-soko.flac", "--project", dir + "/p"])
        guard imported.status == 0 else { throw TestSetupError(imported.stderr) }
        return dir + "/p"
    }

    @Test(arguments: Engine.testable) func aConfigThatLostItsDatabaseLineNeverFallsBackToANewStore(engine: Engine) throws {
        let project = try Self.project(engine)
        let yaml = try String(contentsOfFile: project + "/chorus.yaml", encoding: .utf8)
        let cut = yaml.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("database:") }.joined(separator: "\n")
        try cut.write(toFile: project + "/chorus.yaml", atomically: true, encoding: .utf8)
        if engine == .postgres { #expect(!FileManager.default.fileExists(atPath: project + "/chorus.sqlite")) }
        let before = try FileManager.default.contentsOfDirectory(atPath: project).sorted()
        let run = try ChorusProcess.run(["status", "--project", project])
        #expect(run.status == 1)
        #expect(run.stderr.contains("chorus.yaml: database is missing"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project).sorted() == before, "nothing created")
    }

    @Test func aStoreThatIsGoneIsNotCreatedAgainOutsideInit() throws {
        let project = try Self.project(.sqlite)
        try FileManager.default.moveItem(atPath: project + "/chorus.sqlite", toPath: project + "/../moved.sqlite")
        let run = try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(run.status == 1)
        #expect(run.stderr.contains("chorus.sqlite: the store is missing"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project + "/chorus.sqlite"))
    }

    /// Runs chorus as another user (nobody) when these tests run as root, which passes over file modes.
    static func asUser(_ arguments: [String]) throws -> ChorusRun {
        guard geteuid() == 0 else { return try ChorusProcess.run(arguments) }
        return try ChorusProcess.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", ChorusProcess.binary] + arguments, executable: "/usr/bin/setpriv")
    }

    @Test func aReadOnlyStoreCanBeReadAndIsLeftAsItWas() throws {
        let project = try Self.project(.sqlite)
        if geteuid() == 0 { #expect(chown(project, 65534, 65534) == 0) }
        for name in try FileManager.default.contentsOfDirectory(atPath: project) where geteuid() == 0 {
            chown(project + "/" + name, 65534, 65534)
        }
        chmod(project + "/chorus.sqlite", 0o444)
        let status = try Self.asUser(["status", "--project", project, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"segments\""))
        let change = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(change.status == 1)
        #expect(change.stderr.contains("read-only") && change.stderr.split(separator: "\n").count == 1, "\(change.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: project).filter { $0.hasPrefix("chorus.sqlite-") }
        #expect(left.isEmpty, "nothing left beside the store: \(left)")
        // Made writable again, it works at once.
        chmod(project + "/chorus.sqlite", 0o644)
        let again = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func aReadOnlySideFileLeftByAnEarlierVersionIsRepaired() throws {
        let project = try Self.project(.sqlite)
        for name in try FileManager.default.contentsOfDirectory(atPath: project) + [""] where geteuid() == 0 {
            chown(project + "/" + name, 65534, 65534)
        }
        // What an earlier version left after reading a read-only store: read-only side files.
        for side in ["-shm", "-wal"] {
            let path = project + "/chorus.sqlite" + side
            FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o444])
            if geteuid() == 0 { chown(path, 65534, 65534) }
        }
        let run = try Self.asUser(["annotators", "add", "amina", "--languages", "sw", "--project", project])
        #expect(run.status == 0, "\(run.stderr)")
    }
}

/// A recording whose file vanished or changed since import is a validation error, and export
/// refuses it by name.
@Suite struct RecordingFileTests {
    /// A sw project with one WAV recording written by libsndfile, every segment settled.
    static func project(_ engine: Engine) throws -> (project: String, audio: String) {
        let dir = try Fixtures.scratch("chorus-files")
        let audio = URL(fileURLWithPath: try Fixtures.write(
            Signals.compose(rate: 16_000, pattern: [0.5, 2, 0.8, 2, 0.8, 2, 0.5]).samples, to: dir + "/talk.wav", rate: 16_000)).standardizedFileURL.path
        var args = ["init", dir + "/p", "--source-lang", "sw", "--redundancy", "1"]
        if let database = try engine.database() { args += ["--database", database] }
        #expect(try ChorusProcess.run(args).status == 0)
        #expect(try ChorusProcess.run(["segment", audio, "--project", dir + "/p"]).status == 0)
        let project = try Project.open(at: dir + "/p")
        try project.store.addAnnotator(name: "amina", languages: [LanguageTag("sw")], rate: nil, creditName: nil)
        while let t = try? project.work.claim(as: "amina", kind: .transcribe) {
            _ = try project.work.submit(task: t.taskID, as: "amina", text: "habari ya leo \(t.segmentID)")
        }
        return (dir + "/p", audio)
    }

    static func report(_ run: ChorusRun) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    static func fileFindings(_ report: [String: Any]) -> [String] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "recording-files" }.compactMap { $0["message"] as? String }
    }

    /// Changes samples in the middle of the WAV's data, keeping its length.
    static func alter(_ path: String, keepTime: Bool) throws {
        var before = stat()
        #expect(stat(path, &before) == 0)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 44 + 16_000 * 2)
        handle.write(Data(repeating: 0x7F, count: 4_000))
        try handle.close()
        if keepTime {
            // As `touch -r` or `cp -p` would leave it: the same time to the nanosecond.
            var times = [before.st_atim, before.st_mtim]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        } else {
            var later = [before.st_atim, timespec(tv_sec: before.st_mtim.tv_sec + 5, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, &later, 0) == 0)
        }
    }

    @Test(arguments: Engine.testable) func aChangedOrMissingRecordingIsAnErrorAndExportRefusesIt(engine: Engine) throws {
        let (project, audio) = try Self.project(engine)
        let clean = try ChorusProcess.run(["validate", "--project", project, "--json", "--rehash"])
        #expect(Self.fileFindings(try Self.report(clean)).isEmpty, "\(clean.stdout.prefix(300))")

        // Same length, other samples, and the file's time says so: the cheap check finds it.
        try Self.alter(audio, keepTime: false)
        let changed = try ChorusProcess.run(["validate", "--project", project, "--json"])
        #expect(changed.status == 1)
        #expect(Self.fileFindings(try Self.report(changed)) == ["\(audio): the recording's content changed since it was imported (its SHA-256 differs); restore the original file"])
        let export = try ChorusProcess.run(["export", "--project", project, "--out", project + "/../corpus", "--format", "nemo", "--allow-empty", "--json"])
        #expect(export.status == 1)
        #expect(export.stderr.contains("\(audio): the recording's content changed since it was imported"), "\(export.stderr)")
        #expect((try Self.report(export)["left_out"] as? [String: Int])?["recording changed since import"] ?? 0 > 0)
        #expect((try Self.report(export)["segments"] as? Int) == 0)
        #expect(!FileManager.default.fileExists(atPath: project + "/../corpus/audio"), "no clip cut from other content")
    }

    @Test func aChangeThatKeptTheFileTimeIsFoundByRehashing() throws {
        let (project, audio) = try Self.project(.sqlite)
        try Self.alter(audio, keepTime: true)
        let cheap = try ChorusProcess.run(["validate", "--project", project, "--json"])
        #expect(Self.fileFindings(try Self.report(cheap)).isEmpty, "size and time as imported: taken as unchanged")
        let full = try ChorusProcess.run(["validate", "--project", project, "--json", "--rehash"])
        #expect(full.status == 1)
        #expect(Self.fileFindings(try Self.report(full)).count == 1)
        // A file only touched is not changed.
        let (other, otherAudio) = try Self.project(.sqlite)
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: otherAudio)
        #expect(Self.fileFindings(try Self.report(try ChorusProcess.run(["validate", "--project", other, "--json"]))).isEmpty)
    }

    @Test func aMissingRecordingIsAValidationError() throws {
        let (project, audio) = try Self.project(.sqlite)
        try FileManager.default.removeItem(atPath: audio)
        let run = try ChorusProcess.run(["validate", "--project", project])
        #expect(run.status == 1)
        #expect(run.stdout.contains("error: recording-files: \(audio): the recording's file is missing"), "\(run.stdout)")
    }
}
