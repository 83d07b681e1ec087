import Foundation

/// How far one person has got, for the top line of the annotation screen.
public struct Progress: Sendable, Equatable, Codable {
    /// Tasks submitted since the given time (the start of their day).
    public var done: Int
    /// Active seconds recorded on those submissions.
    public var activeSeconds: Double
    /// Open tasks this person could be given now.
    public var available: Int

    public init(done: Int, activeSeconds: Double, available: Int) {
        self.done = done
        self.activeSeconds = activeSeconds
        self.available = available
    }

    enum CodingKeys: String, CodingKey { case done, activeSeconds = "active_seconds", available }
}

/// A segment waiting for a machine draft, with what a draft command needs.
public struct MachineDraftJob: Sendable, Equatable {
    public var segmentID: Int64
    public var kind: TaskKind
    public var language: String
    public var recording: String
    public var start: Double
    public var end: Double
    /// For translation: the settled transcript to translate.
    public var sourceText: String?

    public init(segmentID: Int64, kind: TaskKind, language: String, recording: String, start: Double, end: Double, sourceText: String?) {
        self.segmentID = segmentID
        self.kind = kind
        self.language = language
        self.recording = recording
        self.start = start
        self.end = end
        self.sourceText = sourceText
    }
}

extension WorkQueue {
    /// The task `name` still holds on a live lease (after a crash, a closed terminal or a quit
    /// with a draft), with their draft; nil when they hold none. The lease is renewed.
    public func resume(as name: String, kind: TaskKind? = nil, language: String? = nil, now: Date = Date()) throws -> ClaimedTask? {
        try database.write { c in
            let me = try person(name, c)
            let t = now.timeIntervalSince1970
            let held = try c.query(
                "SELECT \(TaskRecord.selection) FROM tasks WHERE state = 'leased' AND annotator_id = ? AND lease_expires > ? ORDER BY id",
                [.integer(me.id), .real(t)]).map(TaskRecord.init(row:))
            guard let task = held.first(where: { (kind == nil || $0.kind == kind) && (language == nil || $0.language == language) }) else { return nil }
            let id = task.id
            let expires = t + leaseSeconds
            try c.execute("UPDATE tasks SET lease_expires = ? WHERE id = ?", [.real(expires), .integer(id)])
            try c.execute("UPDATE leases SET expires = ? WHERE task_id = ? AND annotator_id = ? AND expires < ?", [.real(expires), .integer(id), .integer(me.id), .real(expires)])
            return try describe(taskID: id, segmentID: task.segmentID, kind: task.kind, language: task.language, me: me, expires: expires, c)
        }
    }

    /// Task `task` as `name` holds it right now, on a live lease (nothing is renewed): what a
    /// server checks before handing out the task's audio or acting on its versions.
    /// - Throws: ``ProjectError`` `.notYours` when `name` holds no live lease on it (whether or
    ///   not the task exists, so ids cannot be probed).
    public func heldTask(_ task: Int64, as name: String, now: Date = Date()) throws -> ClaimedTask {
        try database.read { c in
            let me = try person(name, c)
            guard let row = try c.query(
                "SELECT \(TaskRecord.selection), lease_expires FROM tasks WHERE id = ? AND state = 'leased' AND annotator_id = ? AND lease_expires > ?",
                [.integer(task), .integer(me.id), .real(now.timeIntervalSince1970)]).first else {
                throw ProjectError(code: .notYours, message: "task \(task) is not held by \(name) right now")
            }
            let held = try TaskRecord(row: row)
            return try describe(taskID: held.id, segmentID: held.segmentID, kind: held.kind, language: held.language, me: me,
                                expires: try row.double(TaskRecord.Columns.leaseExpires), c)
        }
    }

    /// The audio of task `task` that `name` holds right now on a live lease: the recording's
    /// path and the segment's span. One statement (a server runs it for every clip).
    /// - Throws: ``ProjectError`` `.notYours` when `name` holds no live lease on it, whether or
    ///   not the task exists.
    public func heldClip(_ task: Int64, as name: String, now: Date = Date()) throws -> (path: String, start: Double, end: Double) {
        let row = try database.single(readOnly: true) { c in
            try c.query(
                """
                SELECT r.path, s.start, s."end" FROM tasks t JOIN annotators a ON a.id = t.annotator_id
                JOIN segments s ON s.id = t.segment_id JOIN recordings r ON r.id = s.recording_id
                WHERE t.id = ? AND t.state = 'leased' AND a.name = ? AND t.lease_expires > ?
                """, [.integer(task), .text(name), .real(now.timeIntervalSince1970)]).first
        }
        guard let row else { throw ProjectError(code: .notYours, message: "task \(task) is not held by \(name) right now") }
        return (try row.string(RecordingRecord.Columns.path), try row.double(Table.Segments.start), try row.double(Table.Segments.end))
    }

    /// Submissions and active time of `name` since `since`, and how many open tasks of
    /// `kind` (and `language`) they could take now.
    public func progress(of name: String, since: Date, kind: TaskKind? = nil, language: String? = nil) throws -> Progress {
        try database.read { c in
            let me = try person(name, c)
            let row = try c.query(
                "SELECT COUNT(*) AS n, SUM(active_seconds) AS s FROM annotations WHERE annotator_id = ? AND submitted_at >= ? AND source = 'chorus'",
                [.integer(me.id), .real(since.timeIntervalSince1970)]).first
            var available = 0
            for (k, lang) in allowed(for: me, kind: kind, language: language) {
                let mine: [SQLValue] = [.text(k.rawValue), .text(lang), .integer(me.id), .integer(me.id), .integer(me.id)]
                available += Int(try c.query(
                    """
                    SELECT COUNT(DISTINCT t.segment_id) AS n FROM tasks t
                    WHERE t.state = 'open' AND t.kind = ? AND t.language = ?
                      AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.segment_id = t.segment_id AND a.kind = t.kind AND a.language = t.language AND a.annotator_id = ?)
                      AND NOT EXISTS (SELECT 1 FROM skips k WHERE k.segment_id = t.segment_id AND k.annotator_id = ? AND k.kind = t.kind)
                      AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.segment_id = t.segment_id AND o.kind = t.kind AND o.language = t.language AND o.annotator_id = ?)
                    """, mine).first?.int(Computed.n) ?? 0)
            }
            return Progress(done: Int(try row?.int(Computed.n) ?? 0), activeSeconds: try row?.optionalDouble(Computed.s) ?? 0, available: available)
        }
    }

    /// Segments with open tasks of `kind` in `language` and no machine draft yet, in the order
    /// they will be handed out: the work a draft command should do next.
    public func machineDraftJobs(kind: TaskKind, language: String, limit: Int) throws -> [MachineDraftJob] {
        try database.read { c in
            try c.query(
                """
                SELECT s.id, s.start, s."end", r.path FROM tasks t
                JOIN segments s ON s.id = t.segment_id JOIN recordings r ON r.id = s.recording_id
                WHERE t.state = 'open' AND t.kind = ? AND t.language = ?
                  AND NOT EXISTS (SELECT 1 FROM machine_drafts m WHERE m.segment_id = t.segment_id AND m.kind = t.kind AND m.language = t.language)
                GROUP BY s.id, s.start, s."end", r.path ORDER BY MAX(t.segment_started) DESC, s.id LIMIT ?
                """, [.text(kind.rawValue), .text(language), .integer(Int64(limit))]
            ).map { row in
                let segment = try row.int(Table.Segments.id)
                let source = kind == .translate
                    ? try c.query("SELECT text FROM settled WHERE segment_id = ? AND language = ?", [.integer(segment), .text(config.sourceLanguage.value)]).first?.string(Table.Settled.text)
                    : nil
                return MachineDraftJob(
                    segmentID: segment, kind: kind, language: language, recording: try row.string(RecordingRecord.Columns.path),
                    start: try row.double(Table.Segments.start), end: try row.double(Table.Segments.end), sourceText: source)
            }
        }
    }

    /// Stores a machine's text for a segment, replacing any earlier one; `source` names the
    /// system (the command, or the imported file's `machine_draft` field).
    public func addMachineDraft(segment: Int64, kind: TaskKind, language: String, text: String, source: String, now: Date = Date()) throws {
        try database.write { c in try Self.storeMachineDraft(segment: segment, kind: kind, language: language, text: text, source: source, now: now, c) }
    }

    static func storeMachineDraft(segment: Int64, kind: TaskKind, language: String, text: String, source: String, now: Date, _ c: SQLConnection) throws {
        try c.execute("DELETE FROM machine_drafts WHERE segment_id = ? AND kind = ? AND language = ?", [.integer(segment), .text(kind.rawValue), .text(language)])
        try c.insert(into: Table.MachineDrafts.self, [
            .segmentID: .integer(segment), .kind: .text(kind.rawValue), .language: .text(language),
            .text: .text(text.precomposedStringWithCanonicalMapping), .source: .text(source), .addedAt: .real(now.timeIntervalSince1970),
        ])
    }

    /// The settled source transcript of `previous`, the segment just before the task's.
    func context(_ previous: Int64?, _ c: SQLConnection) throws -> String? {
        guard let previous else { return nil }
        return try c.query("SELECT text FROM settled WHERE segment_id = ? AND language = ?",
                           [.integer(previous), .text(config.sourceLanguage.value)]).first?.string(Table.Settled.text)
    }
}
