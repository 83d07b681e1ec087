import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite struct ProjectTests {
    static func config(_ engine: Engine = .sqlite) throws -> ProjectConfig {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [LanguageTag("en"), LanguageTag("fr")])
        if let database = try engine.database() { config.database = database }
        return config
    }

    @Test func theConfigFileReadsBackAsWritten() throws {
        let dir = try Fixtures.scratch()
        var config = try Self.config()
        config.redundancy = 3
        config.leaseMinutes = 7.5
        config.languages = ["th": LanguageSettings(scoring: .characters, speakingRate: 2...16.5), "de": LanguageSettings(foldCase: false, removePunctuation: false)]
        config.payModel = .audioMinute
        config.payRate = "0.45"
        config.currency = "KES"
        config.payFloor = "450"
        config.payRejectedWork = false
        config.breakAfterMinutes = 45
        config.dailyCapHours = 6.5
        config.distressingPerDay = 3
        try config.yaml.write(toFile: dir + "/chorus.yaml", atomically: true, encoding: .utf8)
        #expect(try ProjectConfig.read(path: dir + "/chorus.yaml", registry: LanguageRegistry.load()) == config)
        #expect(config.yaml.contains("# Transcription tasks per segment"))
    }

    @Test("a bad setting names the file and the key", arguments: [
        ("source_language: sw\nredundnacy: 3\n", "unknown setting 'redundnacy'"),
        ("source_language: swahili!\n", "source_language: 'swahili!' is not a BCP-47"),
        ("target_languages: [en]\n", "source_language is missing"),
        ("source_language: sw\ntarget_languages: [en]\n", "database is missing"),
        ("source_language: sw\ntarget_languages: en\n", "target_languages must be a list"),
        ("source_language: sw\ntarget_languages: [sw]\n", "must not include the source language"),
        ("source_language: sw\nredundancy: 0\n", "redundancy must be between 1 and 10"),
        ("source_language: sw\ntags: [noise]\n", "tags must look like [noise]"),
        ("source_language: [sw\n", "not valid YAML"),
        ("source_language: sw\nlanguages: {th: {scoring: letters}}\n", "languages.th.scoring: must be words or characters"),
        ("source_language: sw\nlanguages: {th: {speaking_rate: [20, 3]}}\n", "languages.th.speaking_rate: must be [slowest, fastest]"),
        ("source_language: sw\nlanguages: {sw: {casefold: false}}\n", "languages.sw.casefold: unknown setting"),
        ("source_language: sw\nlanguages: {klingon!: {scoring: words}}\n", "languages: 'klingon!' is not a BCP-47"),
        ("source_language: sw\npay_model: hour\n", "pay_model hour needs a pay_rate"),
        ("source_language: sw\npay_model: per-hour\n", "pay_model must be hour, audio-minute, task or none"),
        ("source_language: sw\npay_rate: \"12,50\"\n", "pay_rate must be a decimal amount"),
        ("source_language: sw\npay_floor: -3\n", "pay_floor must be a decimal hourly amount"),
        ("source_language: sw\ncurrency: XYZ\n", "currency must be an ISO 4217 code"),
        ("source_language: sw\ndaily_cap_hours: 30\n", "daily_cap_hours must be between 0 and 24"),
    ])
    func badSettings(text: String, expected: String) throws {
        let path = try Fixtures.scratch() + "/chorus.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ProjectError.self) { try ProjectConfig.read(path: path) }
        #expect(error?.code == .invalidConfig)
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: Engine.testable) func createThenOpenKeepsTheSettingsAndTheStore(engine: Engine) throws {
        let dir = try Fixtures.scratch() + "/corpus"
        let created = try Project.create(at: dir, config: try Self.config(engine))
        let (id, added) = try created.store.add(Self.recording("abc"))
        #expect(added)
        let opened = try Project.open(at: dir)
        #expect(opened.config == created.config)
        #expect(try opened.store.recording(sha256: "abc")?.id == id)
        #expect(FileManager.default.fileExists(atPath: dir + "/chorus.sqlite") == (engine == .sqlite))
    }

    @Test func creatingOverAProjectIsRefused() throws {
        let dir = try Fixtures.scratch()
        _ = try Project.create(at: dir, config: try Self.config())
        let error = #expect(throws: ProjectError.self) { try Project.create(at: dir, config: try Self.config()) }
        #expect(error?.code == .exists)
    }

    @Test func aFolderWithoutConfigIsNotAProject() throws {
        let dir = try Fixtures.scratch()
        let error = #expect(throws: ProjectError.self) { try Project.open(at: dir) }
        #expect(error?.code == .notAProject)
        #expect(error?.message.contains("chorus init") == true)
    }

    @Test(arguments: Engine.testable) func importingTheSameContentTwiceAddsNothing(engine: Engine) throws {
        let project = try Project.create(at: try Fixtures.scratch(), config: try Self.config(engine))
        let first = try project.store.add(Self.recording("same"))
        var again = Self.recording("same")
        again.path = "elsewhere/copy.wav"
        let second = try project.store.add(again)
        #expect(first.added && !second.added)
        #expect(first.id == second.id)
        let counts = try project.store.counts()
        #expect(counts.recordings == 1)
        #expect(counts.segments == 2)
        #expect(abs(counts.segmentSeconds - 3.0) < 1e-9)
        #expect(try project.store.segments(recording: first.id).map(\.start) == [0.5, 3.0])
    }

    @Test func aStoreFromANewerChorusIsRefused() throws {
        let dir = try Fixtures.scratch()
        _ = try Project.create(at: dir, config: try Self.config())
        let db = try SQLiteDatabase(path: dir + "/chorus.sqlite")
        try db.write { try $0.execute("INSERT INTO chorus_schema (version, applied_at) VALUES (999, 'later')") }
        let error = #expect(throws: ProjectError.self) { try Project.open(at: dir) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("upgrade chorus") == true)
    }

    @Test func migratingTwiceChangesNothing() throws {
        let dir = try Fixtures.scratch()
        let db = try SQLiteDatabase(path: dir + "/s.sqlite", create: true)
        #expect(try Migrations.apply(to: db) == 0)
        #expect(try Migrations.apply(to: db) == Migrations.latest)
    }

    @Test(arguments: Engine.testable) func aFailedImportLeavesNoTrace(engine: Engine) throws {
        let project = try Project.create(at: try Fixtures.scratch(), config: try Self.config(engine))
        var bad = Self.recording("bad")
        bad.segments.append((start: 5, end: 4, speechStart: 5, speechEnd: 4))  // violates start < end
        #expect(throws: ProjectError.self) { try project.store.add(bad) }
        #expect(try project.store.counts() == StoreCounts(recordings: 0, audioSeconds: 0, segments: 0, segmentSeconds: 0))
    }

    static func recording(_ sha: String) -> NewRecording {
        NewRecording(
            sha256: sha, path: "a.wav", duration: 10, sampleRate: 16_000, channels: 1, container: "WAV", encoding: "PCM 16",
            segmenter: "{}", segments: [(0.5, 2.0, 0.53, 1.97), (3.0, 4.5, 3.03, 4.47)])
    }
}

@Suite struct PayConfigTests {
    @Test func amountsAreReadAsWrittenNotThroughBinaryFloatingPoint() throws {
        let path = try Fixtures.scratch() + "/chorus.yaml"
        try "source_language: sw\ndatabase: chorus.sqlite\npay_model: hour\npay_rate: 12.10  # an hour\npay_floor: 0.30\n".write(toFile: path, atomically: true, encoding: .utf8)
        let config = try ProjectConfig.read(path: path)
        #expect(config.payRate == "12.10" && config.payFloor == "0.30")
    }
}
