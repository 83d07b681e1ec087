/// Everything the validator and an export read from a project, as plain values, in one read
/// transaction.
public struct ProjectSnapshot: Sendable {
    /// The recordings as the store keeps them.
    public typealias Recording = RecordingRecord

    public struct Segment: Sendable, Equatable {
        public var id: Int64
        public var recordingID: Int64
        /// Seconds in the recording.
        public var start: Double
        public var end: Double
        /// Someone skipped it as distressing.
        public var contentWarning = false
        /// Its own speaker (RTTM, an import line, the loop); nil: the recording's.
        public var speaker: String?
        /// rttm, import or loop; nil with no speaker of its own.
        public var speakerSource: String?
    }

    public struct Settled: Sendable, Equatable {
        public var segmentID: Int64
        public var language: String
        public var text: String
        /// agreed, consensus or adjudicated.
        public var method: String
        public var agreement: Double?
    }

    public struct Annotation: Sendable, Equatable {
        public var segmentID: Int64
        public var kind: TaskKind
        public var language: String
        public var annotator: String
        public var text: String
    }

    public struct Skip: Sendable, Equatable {
        public var segmentID: Int64
        public var annotator: String
        public var reason: SkipReason
    }

    public var config: ProjectConfig
    public var recordings: [Recording] = []
    public var segments: [Segment] = []
    public var settled: [Settled] = []
    /// Counted transcriptions and translations (reviews left out).
    public var annotations: [Annotation] = []
    public var skips: [Skip] = []

    public init(config: ProjectConfig) { self.config = config }
}

extension ProjectStore {
    /// The project as the validator sees it.
    public func snapshot(config: ProjectConfig) throws -> ProjectSnapshot {
        try database.read { c in
            var s = ProjectSnapshot(config: config)
            s.recordings = try c.query("SELECT \(RecordingRecord.selection) FROM recordings r ORDER BY r.id").map(RecordingRecord.init(row:))
            s.segments = try c.query("SELECT \(ProjectSnapshot.Segment.selection) FROM segments ORDER BY recording_id, start, id").map { try ProjectSnapshot.Segment(row: $0) }
            s.settled = try c.query("SELECT \(ProjectSnapshot.Settled.selection) FROM settled ORDER BY segment_id, language").map { try ProjectSnapshot.Settled(row: $0) }
            s.annotations = try c.query(
                """
                SELECT a.segment_id, a.kind, a.language, n.name, a.text FROM annotations a JOIN annotators n ON n.id = a.annotator_id
                WHERE a.counted = 1 AND a.kind <> 'review' ORDER BY a.segment_id, a.id
                """
            ).map { try ProjectSnapshot.Annotation(row: $0) }
            s.skips = try c.query("SELECT k.segment_id, n.name, k.reason FROM skips k JOIN annotators n ON n.id = k.annotator_id ORDER BY k.id")
                .map { try ProjectSnapshot.Skip(row: $0) }
            return s
        }
    }
}

// Each read's columns named once, and rows decoded by typed reads that throw on a missing or
// mistyped column (or a kind or reason this chorus does not know) instead of reading 0.

extension ProjectSnapshot.Segment {
    enum Columns: String, CaseIterable {
        case id, recordingID = "recording_id", start, end, contentWarning = "content_warning", speaker, speakerSource = "speaker_source"
    }
    static let selection = Columns.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")

    init(row: SQLRow) throws {
        self.init(id: try row.int(Columns.id), recordingID: try row.int(Columns.recordingID), start: try row.double(Columns.start),
                  end: try row.double(Columns.end), contentWarning: try row.int(Columns.contentWarning) != 0,
                  speaker: try row.optionalString(Columns.speaker), speakerSource: try row.optionalString(Columns.speakerSource))
    }
}

extension ProjectSnapshot.Settled {
    enum Columns: String, CaseIterable { case segmentID = "segment_id", language, text, method, agreement }
    static let selection = Columns.allCases.map(\.rawValue).joined(separator: ", ")

    init(row: SQLRow) throws {
        self.init(segmentID: try row.int(Columns.segmentID), language: try row.string(Columns.language), text: try row.string(Columns.text),
                  method: try row.string(Columns.method), agreement: try row.optionalDouble(Columns.agreement))
    }
}

extension ProjectSnapshot.Annotation {
    enum Columns: String { case segmentID = "segment_id", kind, language, annotator = "name", text }

    init(row: SQLRow) throws {
        let kind = try row.string(Columns.kind)
        guard let known = TaskKind(rawValue: kind) else { throw ProjectError(code: .store, message: "an annotation of kind '\(kind)', which this chorus does not know") }
        self.init(segmentID: try row.int(Columns.segmentID), kind: known, language: try row.string(Columns.language),
                  annotator: try row.string(Columns.annotator), text: try row.string(Columns.text))
    }
}

extension ProjectSnapshot.Skip {
    enum Columns: String { case segmentID = "segment_id", annotator = "name", reason }

    init(row: SQLRow) throws {
        let reason = try row.string(Columns.reason)
        guard let known = SkipReason(rawValue: reason) else { throw ProjectError(code: .store, message: "a skip for '\(reason)', a reason this chorus does not know") }
        self.init(segmentID: try row.int(Columns.segmentID), annotator: try row.string(Columns.annotator), reason: known)
    }
}
