import Foundation

/// The three splits a corpus is cut into.
public enum Split: String, Sendable, CaseIterable, Codable, Comparable {
    case train, dev, test

    public static func < (a: Split, b: Split) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// Everything an export reads from a project, as plain values, in one read transaction.
public struct CorpusRows: Sendable {
    public struct Recording: Sendable, Equatable {
        public var id: Int64
        public var path: String
        public var duration: Double
        public var sampleRate: Int
        public var channels: Int
        public var speaker: String?
        /// The segmenter settings, as JSON.
        public var segmenter: String
    }

    public struct Segment: Sendable, Equatable {
        public var id: Int64
        public var recordingID: Int64
        public var start: Double
        public var end: Double
        public var contentWarning: Bool
    }

    public struct Settled: Sendable, Equatable {
        public var segmentID: Int64
        public var language: String
        public var text: String
        /// agreed, consensus or adjudicated.
        public var method: String
        public var agreement: Double?
        /// Ids of the people whose counted texts it settled from (reviewers included).
        public var annotators: [Int64]
    }

    public struct Person: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// Set when they consented to be credited, by this name.
        public var creditName: String?
        public var payModel: String
        /// Counted annotations (transcripts, translations, reviews).
        public var annotations: Int
        /// Measured working time over those annotations.
        public var activeSeconds: Double
    }

    public var recordings: [Recording] = []
    public var segments: [Segment] = []
    public var settled: [Settled] = []
    public var people: [Person] = []
    /// Splits fixed by earlier exports, by recording id.
    public var splits: [Int64: Split] = [:]

    public init() {}
}

extension ProjectStore {
    /// The project as an export sees it.
    public func corpusRows() throws -> CorpusRows {
        try database.read { c in
            var rows = CorpusRows()
            rows.recordings = try c.query("SELECT id, path, duration, sample_rate, channels, speaker, segmenter FROM recordings ORDER BY id").map {
                .init(id: $0["id"].int ?? 0, path: $0["path"].string ?? "", duration: $0["duration"].double ?? 0,
                      sampleRate: Int($0["sample_rate"].int ?? 0), channels: Int($0["channels"].int ?? 0),
                      speaker: $0["speaker"].string.flatMap { $0.isEmpty ? nil : $0 }, segmenter: $0["segmenter"].string ?? "{}")
            }
            rows.segments = try c.query("SELECT id, recording_id, start, \"end\", content_warning FROM segments ORDER BY recording_id, start, id").map {
                .init(id: $0["id"].int ?? 0, recordingID: $0["recording_id"].int ?? 0, start: $0["start"].double ?? 0,
                      end: $0["end"].double ?? 0, contentWarning: ($0["content_warning"].int ?? 0) != 0)
            }
            var contributors: [String: [Int64]] = [:]
            for row in try c.query("SELECT DISTINCT segment_id, language, annotator_id FROM annotations WHERE counted = 1 ORDER BY segment_id, language, annotator_id") {
                contributors["\(row["segment_id"].int ?? 0) \(row["language"].string ?? "")", default: []].append(row["annotator_id"].int ?? 0)
            }
            rows.settled = try c.query("SELECT segment_id, language, text, method, agreement FROM settled ORDER BY segment_id, language").map {
                let segment = $0["segment_id"].int ?? 0, language = $0["language"].string ?? ""
                return .init(segmentID: segment, language: language, text: $0["text"].string ?? "", method: $0["method"].string ?? "",
                             agreement: $0["agreement"].double, annotators: contributors["\(segment) \(language)"] ?? [])
            }
            rows.people = try c.query(
                """
                SELECT n.id, n.name, n.credit_name, n.pay_model, COUNT(a.id) AS annotations, COALESCE(SUM(a.active_seconds), 0) AS active
                FROM annotators n LEFT JOIN annotations a ON a.annotator_id = n.id AND a.counted = 1
                GROUP BY n.id, n.name, n.credit_name, n.pay_model ORDER BY n.id
                """
            ).map {
                .init(id: $0["id"].int ?? 0, name: $0["name"].string ?? "", creditName: $0["credit_name"].string.flatMap { $0.isEmpty ? nil : $0 },
                      payModel: $0["pay_model"].string ?? "none", annotations: Int($0["annotations"].int ?? 0), activeSeconds: $0["active"].double ?? 0)
            }
            for row in try c.query("SELECT recording_id, split FROM splits") {
                if let id = row["recording_id"].int, let split = row["split"].string.flatMap(Split.init(rawValue:)) { rows.splits[id] = split }
            }
            return rows
        }
    }

    /// Fixes the split of each recording in `assignments` that has none yet, in one
    /// transaction; a split fixed meanwhile by another export wins.
    /// - Returns: every recording's split after the change.
    public func fixSplits(_ assignments: [Int64: Split]) throws -> [Int64: Split] {
        try database.write { c in
            for (recording, split) in assignments.sorted(by: { $0.key < $1.key }) {
                try c.execute("INSERT INTO splits (recording_id, split, assigned_at) VALUES (?, ?, ?) ON CONFLICT (recording_id) DO NOTHING",
                              [.integer(recording), .text(split.rawValue), .text(Timestamp.now())])
            }
            var all: [Int64: Split] = [:]
            for row in try c.query("SELECT recording_id, split FROM splits") {
                if let id = row["recording_id"].int, let split = row["split"].string.flatMap(Split.init(rawValue:)) { all[id] = split }
            }
            return all
        }
    }
}
