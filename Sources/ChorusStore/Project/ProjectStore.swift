import Foundation

/// What the store knows of a recording, new or stored.
public struct RecordingFacts: Sendable, Equatable {
    /// SHA-256 of the file's bytes, lower-case hex: the recording's identity.
    public var sha256: String
    /// The path it was imported from, absolute (as given, in projects imported by early versions).
    public var path: String
    /// Seconds.
    public var duration: Double
    public var sampleRate: Int
    public var channels: Int
    public var container: String
    public var encoding: String
    public var speaker: String?
    /// Other metadata, as a JSON object.
    public var metadata: String = "{}"
    /// The segmenter settings its segments came from, as JSON.
    public var segmenter: String
    /// The file's size in bytes and modification time (seconds since 1970) when it was
    /// imported; nil for recordings imported before Chorus kept them.
    public var sizeBytes: Int64?
    public var modifiedAt: Double?
}

/// A recording as the store keeps it, one row of `recordings`: its id and its facts
/// (`record.speaker` reads `record.facts.speaker`). The one recording record: the store's API,
/// the snapshot validation and export read, and the recording checks all use it.
@dynamicMemberLookup
public struct RecordingRecord: Sendable, Equatable {
    public var id: Int64
    public var facts: RecordingFacts

    public subscript<T>(dynamicMember field: KeyPath<RecordingFacts, T>) -> T { facts[keyPath: field] }

    /// The table's columns, named once.
    public enum Columns: String, CaseIterable, TableColumns {
        public static let table = "recordings"
        case id, sha256, path, duration, sampleRate = "sample_rate", channels, container, encoding, speaker, metadata, segmenter
        case sizeBytes = "size_bytes", modifiedAt = "modified_at", addedAt = "added_at"
    }

    /// The columns as a SELECT list.
    static let selection = Columns.allCases.filter { $0 != .addedAt }.map { "r.\($0.rawValue)" }.joined(separator: ", ")

    /// Reads a row of `recordings` (selected as ``selection``, from `recordings r`).
    /// - Throws: ``ProjectError`` `.store` naming a column that is missing or mistyped.
    init(row: SQLRow) throws {
        id = try row.int(Columns.id)
        facts = RecordingFacts(
            sha256: try row.string(Columns.sha256), path: try row.string(Columns.path), duration: try row.double(Columns.duration),
            sampleRate: Int(try row.int(Columns.sampleRate)), channels: Int(try row.int(Columns.channels)),
            container: try row.string(Columns.container), encoding: try row.string(Columns.encoding),
            speaker: try row.optionalString(Columns.speaker).flatMap { $0.isEmpty ? nil : $0 },
            metadata: try row.string(Columns.metadata), segmenter: try row.string(Columns.segmenter),
            sizeBytes: try row.optionalInt(Columns.sizeBytes), modifiedAt: try row.optionalDouble(Columns.modifiedAt))
    }

    /// A record built by hand (tests, tools), with defaults for what is not given.
    public init(id: Int64, path: String, duration: Double, sampleRate: Int = 16_000, channels: Int = 1, speaker: String? = nil,
                sha256: String = "", segmenter: String = "{}") {
        self.id = id
        facts = RecordingFacts(sha256: sha256, path: path, duration: duration, sampleRate: sampleRate, channels: channels,
                               container: "", encoding: "", speaker: speaker, segmenter: segmenter)
    }

    init(id: Int64, facts: RecordingFacts) {
        self.id = id
        self.facts = facts
    }
}

/// A recording to add, with its segments (`recording.speaker` reads and writes `recording.facts.speaker`).
@dynamicMemberLookup
public struct NewRecording: Sendable {
    public var facts: RecordingFacts
    /// Segments as (start, end, speech start, speech end), seconds.
    public var segments: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)]
    /// Each segment's own speaker, by index (empty, or nil for one: the recording's), and
    /// where they came from (rttm, import).
    public var segmentSpeakers: [String?] = []
    public var speakerSource = "rttm"
    /// Transcription tasks to create per segment, in this language: (language, count).
    public var transcriptionTasks: (language: String, count: Int)?

    public init(
        sha256: String, path: String, duration: Double, sampleRate: Int, channels: Int, container: String, encoding: String,
        speaker: String? = nil, segmenter: String, segments: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)],
        segmentSpeakers: [String?] = []
    ) {
        self.segmentSpeakers = segmentSpeakers
        facts = RecordingFacts(
            sha256: sha256, path: path, duration: duration, sampleRate: sampleRate, channels: channels,
            container: container, encoding: encoding, speaker: speaker, segmenter: segmenter)
        self.segments = segments
    }

    public subscript<T>(dynamicMember field: WritableKeyPath<RecordingFacts, T>) -> T {
        get { facts[keyPath: field] }
        set { facts[keyPath: field] = newValue }
    }
}

/// Totals for `chorus status` and summaries.
public struct StoreCounts: Sendable, Equatable {
    public var recordings: Int
    public var audioSeconds: Double
    public var segments: Int
    public var segmentSeconds: Double

    public init(recordings: Int, audioSeconds: Double, segments: Int, segmentSeconds: Double) {
        self.recordings = recordings
        self.audioSeconds = audioSeconds
        self.segments = segments
        self.segmentSeconds = segmentSeconds
    }
}

/// The project's data behind one API, whatever the engine. Every change is one transaction.
public struct ProjectStore: Sendable {
    let database: SQLDatabase

    /// The store's file, for a SQLite store; nil for PostgreSQL.
    public var file: String? { (database as? SQLiteDatabase)?.path }

    /// The recording with this content hash, if it was imported before.
    public func recording(sha256: String) throws -> RecordingRecord? {
        try database.read { c in
            try c.query("SELECT \(RecordingRecord.selection) FROM recordings r WHERE r.sha256 = ?", [.text(sha256)]).first.map(RecordingRecord.init(row:))
        }
    }

    /// Adds a recording and its segments in one transaction.
    /// - Returns: the recording's id, and false when a recording with the same content was
    ///   already there (then nothing is added: re-running an import adds nothing).
    @discardableResult
    public func add(_ r: NewRecording) throws -> (id: Int64, added: Bool) {
        try database.write { c in
            // The content hash decides: a recording another process added meanwhile is not added again.
            guard let id = try c.insertReturning(into: RecordingRecord.Columns.self, [
                .sha256: .text(r.sha256), .path: .text(r.path), .duration: .real(r.duration), .sampleRate: .integer(Int64(r.sampleRate)),
                .channels: .integer(Int64(r.channels)), .container: .text(r.container), .encoding: .text(r.encoding),
                .speaker: .optional(r.speaker), .metadata: .text(r.metadata), .segmenter: .text(r.segmenter), .addedAt: .text(Timestamp.now()),
                .sizeBytes: .optional(r.sizeBytes), .modifiedAt: .optional(r.modifiedAt),
            ], suffix: "ON CONFLICT (sha256) DO NOTHING RETURNING id").first?.int(RecordingRecord.Columns.id) else {
                guard let existing = try c.query("SELECT id FROM recordings WHERE sha256 = ?", [.text(r.sha256)]).first?.int(RecordingRecord.Columns.id) else {
                    throw ProjectError(code: .store, message: "a recording was neither added nor found by its content hash")
                }
                return (existing, false)
            }
            try insertSegments(r, recording: id, c)
            return (id, true)
        }
    }

    /// Replaces a recording's segments (and their transcription tasks) with new ones, in one
    /// transaction.
    /// - Throws: ``ProjectError`` `.invalidInput` when any of its segments carries work (an
    ///   annotation, a lease, a skip or a draft): re-segmenting would drop it.
    public func replaceSegments(of sha256: String, with r: NewRecording) throws {
        try database.write { c in
            guard let id = try c.query("SELECT id FROM recordings WHERE sha256 = ?", [.text(sha256)]).first?.int(RecordingRecord.Columns.id) else {
                throw ProjectError(code: .notFound, message: "the recording is not in the project")
            }
            let work = try c.query(
                """
                SELECT (SELECT COUNT(*) FROM annotations a JOIN segments s ON s.id = a.segment_id WHERE s.recording_id = ?)
                     + (SELECT COUNT(*) FROM leases l JOIN tasks t ON t.id = l.task_id JOIN segments s ON s.id = t.segment_id WHERE s.recording_id = ?)
                     + (SELECT COUNT(*) FROM skips k JOIN segments s ON s.id = k.segment_id WHERE s.recording_id = ?) AS n
                """, [.integer(id), .integer(id), .integer(id)]).first?.int(Computed.n) ?? 0
            guard work == 0 else {
                throw ProjectError(
                    code: .invalidInput,
                    message: "its segments already carry work (\(work) annotations, leases or skips); re-segmenting would drop it, so it keeps its segments")
            }
            try c.execute("DELETE FROM tasks WHERE segment_id IN (SELECT id FROM segments WHERE recording_id = ?)", [.integer(id)])
            try c.execute("DELETE FROM segments WHERE recording_id = ?", [.integer(id)])
            try c.execute("UPDATE recordings SET segmenter = ? WHERE id = ?", [.text(r.segmenter), .integer(id)])
            try insertSegments(r, recording: id, c)
        }
    }

    private func insertSegments(_ r: NewRecording, recording id: Int64, _ c: SQLConnection) throws {
        let created = Timestamp.now()
        for (i, s) in r.segments.enumerated() {
            let speaker = i < r.segmentSpeakers.count ? r.segmentSpeakers[i] : nil
            try c.insert(into: Table.Segments.self, [
                .recordingID: .integer(id), .start: .real(s.start), .end: .real(s.end), .speechStart: .real(s.speechStart), .speechEnd: .real(s.speechEnd),
                .speaker: .optional(speaker), .speakerSource: .optional(speaker == nil ? nil : r.speakerSource),
            ])
            guard let tasks = r.transcriptionTasks else { continue }
            let segment = try c.lastInsertedID()
            for slot in 0..<tasks.count {
                try c.insert(into: TaskRecord.Columns.self, [
                    .segmentID: .integer(segment), .kind: .text(TaskKind.transcribe.rawValue), .language: .text(tasks.language),
                    .slot: .integer(Int64(slot)), .createdAt: .text(created),
                ])
            }
        }
    }

    /// Sets segments' own speakers in one transaction. Diarization (`.rttm`) never replaces a
    /// speaker a person set (in the loop, or by an import line).
    /// - Returns: how many segments changed.
    @discardableResult
    public func setSpeakers(_ speakers: [(segment: Int64, speaker: String)], source: SpeakerSource) throws -> Int {
        try database.write { c in try Self.setSpeakers(speakers, source: source, c) }
    }

    static func setSpeakers(_ speakers: [(segment: Int64, speaker: String)], source: SpeakerSource, _ c: SQLConnection) throws -> Int {
        var changed = 0
        let guardPeople = source == .rttm ? " AND (speaker_source IS NULL OR speaker_source = 'rttm')" : ""
        for (segment, speaker) in speakers {
            let name = speaker.trimmingCharacters(in: .whitespacesAndNewlines)
            if let problem = SpeakerSource.problem(speaker) { throw ProjectError(code: .invalidInput, message: "a speaker's name is \(problem)") }
            let before = try c.query("SELECT speaker FROM segments WHERE id = ?\(guardPeople)", [.integer(segment)]).first
            guard let before else { continue }
            if try before.optionalString(Table.Segments.speaker) == name { continue }
            try c.execute("UPDATE segments SET speaker = ?, speaker_source = ? WHERE id = ?", [.text(name), .text(source.rawValue), .integer(segment)])
            changed += 1
        }
        return changed
    }

    /// Sets a recording's speaker and metadata (JSON object).
    /// - Returns: whether either was different before.
    @discardableResult
    public func setMetadata(of sha256: String, speaker: String?, metadata: String) throws -> Bool {
        try database.write { c in
            let before = try c.query("SELECT speaker, metadata FROM recordings WHERE sha256 = ?", [.text(sha256)]).first
            let changed = try before.map { try $0.optionalString(RecordingRecord.Columns.speaker) != speaker || $0.string(RecordingRecord.Columns.metadata) != metadata } ?? false
            if changed {
                try c.execute("UPDATE recordings SET speaker = ?, metadata = ? WHERE sha256 = ?", [speaker.map(SQLValue.text) ?? .null, .text(metadata), .text(sha256)])
            }
            return changed
        }
    }

    /// Every recording, in the order they were added.
    public func recordings() throws -> [RecordingRecord] {
        try database.read { c in try c.query("SELECT \(RecordingRecord.selection) FROM recordings r ORDER BY r.id").map(RecordingRecord.init(row:)) }
    }

    /// A recording's segments in time order, as (id, start, end).
    public func segments(recording: Int64) throws -> [(id: Int64, start: Double, end: Double)] {
        try database.read { c in
            try c.query("SELECT id, start, \"end\" FROM segments WHERE recording_id = ? ORDER BY start", [.integer(recording)]).map {
                (try $0.int(Table.Segments.id), try $0.double(Table.Segments.start), try $0.double(Table.Segments.end))
            }
        }
    }

    /// Recordings, hours and segments in the store.
    public func counts() throws -> StoreCounts {
        try database.read { c in
            let r = try c.query("SELECT COUNT(*) AS n, COALESCE(SUM(duration), 0) AS s FROM recordings").first
            let s = try c.query("SELECT COUNT(*) AS n, COALESCE(SUM(\"end\" - start), 0) AS s FROM segments").first
            return StoreCounts(
                recordings: Int(try r?.int(Computed.n) ?? 0), audioSeconds: try r?.double(Computed.s) ?? 0,
                segments: Int(try s?.int(Computed.n) ?? 0), segmentSeconds: try s?.double(Computed.s) ?? 0)
        }
    }
}

/// Where a segment's own speaker came from.
public enum SpeakerSource: String, Sendable, Codable {
    /// Diarization (`chorus segment --rttm`): replaced by a later RTTM, never replaces a person's.
    case rttm
    /// An `annotations import` line.
    case `import`
    /// A person in the annotation loop.
    case loop

    /// Why `name` cannot be a speaker's name (the one rule for RTTM, import lines, the loop and the API).
    public static func problem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty || trimmed.count > 200 || trimmed.contains(where: \.isNewline) ? "1 to 200 characters on one line" : nil
    }
}
