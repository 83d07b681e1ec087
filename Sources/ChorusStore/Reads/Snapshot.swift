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
            s.segments = try c.query("SELECT id, recording_id, start, \"end\", content_warning FROM segments ORDER BY recording_id, start, id").map {
                .init(id: $0["id"].int ?? 0, recordingID: $0["recording_id"].int ?? 0, start: $0["start"].double ?? 0, end: $0["end"].double ?? 0,
                      contentWarning: ($0["content_warning"].int ?? 0) != 0)
            }
            s.settled = try c.query("SELECT segment_id, language, text, method, agreement FROM settled ORDER BY segment_id, language").map {
                .init(segmentID: $0["segment_id"].int ?? 0, language: $0["language"].string ?? "", text: $0["text"].string ?? "",
                      method: $0["method"].string ?? "", agreement: $0["agreement"].double)
            }
            s.annotations = try c.query(
                """
                SELECT a.segment_id, a.kind, a.language, n.name, a.text FROM annotations a JOIN annotators n ON n.id = a.annotator_id
                WHERE a.counted = 1 AND a.kind <> 'review' ORDER BY a.segment_id, a.id
                """
            ).compactMap { row in
                guard let kind = row["kind"].string.flatMap(TaskKind.init(rawValue:)) else { return nil }
                return .init(segmentID: row["segment_id"].int ?? 0, kind: kind, language: row["language"].string ?? "", annotator: row["name"].string ?? "", text: row["text"].string ?? "")
            }
            s.skips = try c.query("SELECT k.segment_id, n.name, k.reason FROM skips k JOIN annotators n ON n.id = k.annotator_id ORDER BY k.id").compactMap { row in
                guard let reason = row["reason"].string.flatMap(SkipReason.init(rawValue:)) else { return nil }
                return .init(segmentID: row["segment_id"].int ?? 0, annotator: row["name"].string ?? "", reason: reason)
            }
            return s
        }
    }
}
