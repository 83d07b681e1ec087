import Foundation

/// Everything `chorus status` shows.
public struct ProjectReport: Sendable, Codable, Equatable {
    public struct TaskCount: Sendable, Codable, Equatable {
        public var kind: String
        public var language: String
        public var open: Int
        public var leased: Int
        public var done: Int
    }

    public struct Day: Sendable, Codable, Equatable {
        /// UTC, YYYY-MM-DD.
        public var day: String
        public var annotations: Int
        public var activeHours: Double
    }

    public struct Person: Sendable, Codable, Equatable {
        public var annotator: String
        public var transcribed: Int
        public var translated: Int
        public var reviewed: Int
        public var skipped: Int
        public var leased: Int
    }

    public var recordings: Int
    public var audioHours: Double
    public var segments: Int
    public var segmentHours: Double
    /// Segments with a settled transcript and every settled translation.
    public var finishedSegments: Int
    public var settledTranscripts: Int
    public var tasks: [TaskCount]
    public var days: [Day]
    public var people: [Person]

    /// Share of segments finished, 0 to 1.
    public var finished: Double { segments == 0 ? 0 : Double(finishedSegments) / Double(segments) }
}

extension ProjectStore {
    /// Totals, tasks by kind and state, work per day and per person.
    public func report(targets: [LanguageTag], source: LanguageTag) throws -> ProjectReport {
        let counts = try counts()
        return try database.read { c in
            let tasks = try c.query(
                """
                SELECT kind, language, SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS open,
                       SUM(CASE WHEN state = 'leased' THEN 1 ELSE 0 END) AS leased,
                       SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done
                FROM tasks GROUP BY kind, language ORDER BY CASE kind WHEN 'transcribe' THEN 0 WHEN 'translate' THEN 1 ELSE 2 END, language
                """).map(ProjectReport.TaskCount.init(row:))
            let languages = [source] + targets
            let finished = try c.query(
                "SELECT COUNT(*) AS n FROM (SELECT segment_id FROM settled WHERE language IN (\(languages.map { _ in "?" }.joined(separator: ", "))) GROUP BY segment_id HAVING COUNT(*) = ?) f",
                languages.map { .text($0.value) } + [.integer(Int64(languages.count))]).first?.int(Computed.n) ?? 0
            let transcripts = try c.query("SELECT COUNT(*) AS n FROM settled WHERE language = ?", [.text(source.value)]).first?.int(Computed.n) ?? 0
            let day = database.dialect.day(of: "submitted_at")
            let days = try c.query(
                "SELECT \(day) AS day, COUNT(*) AS n, COALESCE(SUM(active_seconds), 0) AS s FROM annotations GROUP BY \(day) ORDER BY day").map {
                ProjectReport.Day(day: try $0.string(Computed.day), annotations: Int(try $0.int(Computed.n)), activeHours: try $0.double(Computed.s) / 3600)
            }
            let people = try c.query(
                """
                SELECT n.name,
                  (SELECT COUNT(*) FROM annotations a WHERE a.annotator_id = n.id AND a.kind = 'transcribe') AS transcribed,
                  (SELECT COUNT(*) FROM annotations a WHERE a.annotator_id = n.id AND a.kind = 'translate') AS translated,
                  (SELECT COUNT(*) FROM annotations a WHERE a.annotator_id = n.id AND a.kind = 'review') AS reviewed,
                  (SELECT COUNT(*) FROM skips k WHERE k.annotator_id = n.id) AS skipped,
                  (SELECT COUNT(*) FROM tasks t WHERE t.annotator_id = n.id AND t.state = 'leased') AS leased
                FROM annotators n ORDER BY n.name
                """).map(ProjectReport.Person.init(row:))
            return ProjectReport(
                recordings: counts.recordings, audioHours: counts.audioSeconds / 3600, segments: counts.segments,
                segmentHours: counts.segmentSeconds / 3600, finishedSegments: Int(finished), settledTranscripts: Int(transcripts),
                tasks: tasks, days: days, people: people)
        }
    }
}

// The report's reads, their columns named once.

extension ProjectReport.TaskCount {
    enum Columns: String { case kind, language, open, leased, done }

    init(row: SQLRow) throws {
        self.init(kind: try row.string(Columns.kind), language: try row.string(Columns.language), open: Int(try row.int(Columns.open)),
                  leased: Int(try row.int(Columns.leased)), done: Int(try row.int(Columns.done)))
    }
}

extension ProjectReport.Person {
    enum Columns: String { case name, transcribed, translated, reviewed, skipped, leased }

    init(row: SQLRow) throws {
        self.init(annotator: try row.string(Columns.name), transcribed: Int(try row.int(Columns.transcribed)),
                  translated: Int(try row.int(Columns.translated)), reviewed: Int(try row.int(Columns.reviewed)),
                  skipped: Int(try row.int(Columns.skipped)), leased: Int(try row.int(Columns.leased)))
    }
}
