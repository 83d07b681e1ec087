@testable import ChorusStore
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

    @Test func timestampsAreTagsOnlyWhereTheProjectAllowsThem() throws {
        var config = try Self.config()
        #expect(ProjectConfig.timestamp(83.44) == "[1:23.4]" && ProjectConfig.timestamp(0) == "[0:00.0]" && ProjectConfig.timestamp(3599.96) == "[60:00.0]")
        #expect(config.unknownTag(in: "habari [1:23.4] [noise]") == "[1:23.4]", "off by default")
        config.timestamps = true
        #expect(config.unknownTag(in: "habari [1:23.4] [noise]") == nil)
        #expect(config.unknownTag(in: "habari [1:73.4]") == "[1:73.4]", "not a time")
        config.seekSeconds = 0.2
        #expect(config.problem() == "seek_seconds must be between 0.5 and 10 seconds")
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

    /// Migration 9 rebuilds SQLite's skips table for a new reason: every skip survives, with
    /// its id, and ids go on from there.
    @Test(arguments: Engine.testable) func skipsSurviveTheUpgradeToVersion9(engine: Engine) throws {
        let db: SQLDatabase = if let url = try engine.database() { try PostgresDatabase(url: url) } else {
            try SQLiteDatabase(path: try Fixtures.scratch() + "/s.sqlite", create: true)
        }
        try Migrations.apply(to: db, through: 8)
        try db.write { c in
            try c.execute("INSERT INTO recordings (id, sha256, path, duration, sample_rate, channels, container, encoding, segmenter, added_at) VALUES (1, 'x', 'a.flac', 10, 16000, 1, 'FLAC', 'PCM 16', '{}', 'now')")
            try c.execute("INSERT INTO segments (id, recording_id, start, \"end\", speech_start, speech_end) VALUES (1, 1, 0, 2, 0, 2)")
            try c.execute("INSERT INTO annotators (id, name, languages, added_at) VALUES (1, 'amina', 'sw', 'now')")
            try c.execute("INSERT INTO tasks (id, segment_id, kind, language, slot, created_at) VALUES (1, 1, 'transcribe', 'sw', 0, 'now')")
            try c.execute("INSERT INTO skips (task_id, segment_id, kind, annotator_id, reason, comment, skipped_at, active_seconds) VALUES (1, 1, 'transcribe', 1, 'distressing', 'vurugu', 5, 3)")
            try c.execute("INSERT INTO skips (task_id, segment_id, kind, annotator_id, reason, skipped_at) VALUES (1, 1, 'transcribe', 1, 'other', 6)")
        }
        #expect(throws: (any Error).self, "version 8 does not know the reason") {
            try db.write { try $0.execute("INSERT INTO skips (task_id, segment_id, kind, annotator_id, reason, skipped_at) VALUES (1, 1, 'transcribe', 1, 'boundary-wrong', 7)") }
        }
        #expect(try Migrations.apply(to: db) == 8)
        let rows = try db.read { c in try c.query("SELECT id, reason, comment, active_seconds FROM skips ORDER BY id") }
        #expect(try rows.map { try $0.int(Table.Skips.id) } == [1, 2])
        #expect(try rows.first?.optionalString(Table.Skips.comment) == "vurugu" && rows.first?.optionalDouble(Table.Skips.activeSeconds) == 3)
        try db.write { try $0.execute("INSERT INTO skips (task_id, segment_id, kind, annotator_id, reason, skipped_at) VALUES (1, 1, 'transcribe', 1, 'boundary-wrong', 7)") }
        #expect((try db.read { c in try c.query("SELECT MAX(id) AS n FROM skips").first?.int(Computed.n) } ?? 0) > 2, "ids go on after the copied rows")
        #expect(throws: (any Error).self, "the check still holds") {
            try db.write { try $0.execute("INSERT INTO skips (task_id, segment_id, kind, annotator_id, reason, skipped_at) VALUES (1, 1, 'transcribe', 1, 'bored', 8)") }
        }
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
