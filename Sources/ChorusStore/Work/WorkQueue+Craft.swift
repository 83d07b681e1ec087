import Foundation

/// One of a person's own submissions, as the loop's "go back" list shows it.
public struct OwnSubmission: Sendable, Equatable, Codable {
    public var annotationID: Int64
    public var taskID: Int64?
    public var segmentID: Int64
    public var kind: TaskKind
    public var language: String
    public var text: String
    public var recording: String
    public var start: Double
    public var end: Double
    /// The segment's text in this language is settled: the submission can no longer change.
    public var settled: Bool
    /// It may still be amended: not settled, and not a review (a review settles the text).
    public var amendable: Bool
    /// The segment's boundaries changed after it was written.
    public var boundaryChanged: Bool

    public init(annotationID: Int64, taskID: Int64?, segmentID: Int64, kind: TaskKind, language: String, text: String, recording: String,
                start: Double, end: Double, settled: Bool, amendable: Bool, boundaryChanged: Bool) {
        self.annotationID = annotationID
        self.taskID = taskID
        self.segmentID = segmentID
        self.kind = kind
        self.language = language
        self.text = text
        self.recording = recording
        self.start = start
        self.end = end
        self.settled = settled
        self.amendable = amendable
        self.boundaryChanged = boundaryChanged
    }

    enum CodingKeys: String, CodingKey {
        case annotationID = "annotation_id", taskID = "task_id", segmentID = "segment_id", kind, language, text, recording, start, end
        case settled, amendable, boundaryChanged = "boundary_changed"
    }
}

/// A text of a segment just before the one being worked on, shown above the editor: the
/// settled text, or this person's own; another person's unsettled text is never shown.
public struct ContextLine: Sendable, Equatable, Codable {
    public enum Whose: String, Sendable, Codable { case settled, yours }
    public var segmentID: Int64
    public var text: String
    public var whose: Whose

    public init(segmentID: Int64, text: String, whose: Whose) {
        self.segmentID = segmentID
        self.text = text
        self.whose = whose
    }

    enum CodingKeys: String, CodingKey { case segmentID = "segment_id", text, whose }
}

/// A change to a segment's boundaries made in the loop, in recording seconds.
public enum BoundaryEdit: Sendable, Equatable {
    /// Moves the start to this time.
    case start(Double)
    /// Moves the end to this time.
    case end(Double)
    /// Splits the segment in two at this time; the part after it is a new segment with its own tasks.
    case split(at: Double)
    /// Joins the next segment of the recording onto this one.
    case merge

    public var name: String {
        switch self {
        case .start: "start"
        case .end: "end"
        case .split: "split"
        case .merge: "merge"
        }
    }
}

/// A segment's boundaries after an edit.
public struct BoundaryResult: Sendable, Equatable, Codable {
    public var segmentID: Int64
    public var start: Double
    public var end: Double
    /// After a split: the new segment holding the part after the split.
    public var newSegmentID: Int64?
    /// After a merge: the segment joined onto this one (it no longer exists).
    public var mergedSegmentID: Int64?
    /// Texts already written for the old boundaries, now marked.
    public var marked: Int

    public init(segmentID: Int64, start: Double, end: Double, newSegmentID: Int64? = nil, mergedSegmentID: Int64? = nil, marked: Int = 0) {
        self.segmentID = segmentID
        self.start = start
        self.end = end
        self.newSegmentID = newSegmentID
        self.mergedSegmentID = mergedSegmentID
        self.marked = marked
    }

    enum CodingKeys: String, CodingKey {
        case segmentID = "segment_id", start, end, newSegmentID = "new_segment_id", mergedSegmentID = "merged_segment_id", marked
    }
}

extension WorkQueue {
    /// The shortest segment an edit may leave, seconds.
    public static let shortestSegment = 0.2

    // MARK: Going back

    /// `name`'s own submissions to `tasks` (tasks they did not submit are left out, so ids
    /// cannot be probed), in the order asked, with whether each may still be amended.
    public func submissions(tasks ids: [Int64], as name: String) throws -> [OwnSubmission] {
        guard !ids.isEmpty else { return [] }
        return try database.read { c in
            let me = try person(name, c)
            let rows = try c.query(
                Self.ownSubmissionQuery + " WHERE a.annotator_id = ? AND a.task_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                [.integer(me.id)] + ids.map { .integer($0) })
            let found = try rows.map { row -> OwnSubmission in try Self.ownSubmission(row) }
            return ids.compactMap { id in found.first { $0.taskID == id } }
        }
    }

    static func ownSubmission(_ row: SQLRow) throws -> OwnSubmission {
        let kind = TaskKind(rawValue: try row.string(Table.Annotations.kind)) ?? .transcribe
        let settled = try row.int(Computed.n) > 0
        return OwnSubmission(
            annotationID: try row.int(Table.Annotations.id), taskID: try row.optionalInt(Table.Annotations.taskID),
            segmentID: try row.int(Table.Annotations.segmentID), kind: kind, language: try row.string(Table.Annotations.language),
            text: try row.string(Table.Annotations.text), recording: try row.string(RecordingRecord.Columns.path),
            start: try row.double(Table.Segments.start), end: try row.double(Table.Segments.end), settled: settled,
            amendable: !settled && kind != .review, boundaryChanged: try row.bool(Table.Annotations.boundaryChanged))
    }

    /// Replaces the text of `name`'s own submission while its segment is not settled: the
    /// earlier text is kept in `amendments`, and the time spent amending is added to the
    /// submission's active time (so hourly pay counts it; per-task pay does not change).
    /// The same text again changes nothing (a retry).
    /// - Throws: ``ProjectError`` `.notYours` for another person's annotation (or none),
    ///   `.alreadySubmitted` once the segment is settled or for a review, `.invalidInput` for
    ///   an empty text, an unknown tag or time that cannot be true.
    public func amend(annotation: Int64, as name: String, text: String, activeSeconds: Double? = nil, now: Date = Date()) throws -> OwnSubmission {
        let clean = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty else { throw ProjectError(code: .invalidInput, message: "the amended text of annotation \(annotation) is empty") }
        if let tag = config.unknownTag(in: clean) {
            throw ProjectError(code: .invalidInput, message: "\(tag) is not one of this project's tags (\(config.tags.joined(separator: " ")))")
        }
        return try database.write { c in
            let me = try person(name, c)
            guard let row = try c.query(
                "SELECT segment_id, kind, language, text, active_seconds, submitted_at FROM annotations WHERE id = ? AND annotator_id = ?",
                [.integer(annotation), .integer(me.id)]).first else {
                throw ProjectError(code: .notYours, message: "annotation \(annotation) is not one of \(me.name)'s submissions")
            }
            let segment = try row.int(Table.Annotations.segmentID)
            try lockSegment(segment, c)
            let language = try row.string(Table.Annotations.language)
            if try row.string(Table.Annotations.kind) == TaskKind.review.rawValue {
                throw ProjectError(code: .alreadySubmitted, message: "annotation \(annotation) is a review, which settled the text; it is not amended")
            }
            if try c.query("SELECT text FROM settled WHERE segment_id = ? AND language = ?", [.integer(segment), .text(language)]).first != nil {
                throw ProjectError(code: .alreadySubmitted,
                                   message: "segment \(segment) is settled in \(language); annotation \(annotation) can no longer be amended")
            }
            let previous = try row.string(Table.Annotations.text)
            if previous != clean {
                let stored = try row.optionalDouble(Table.Annotations.activeSeconds)
                let before = stored ?? 0
                if let activeSeconds {
                    // Amending time is real time since the submission, and a task's total stays within a day.
                    let spent = try c.query("SELECT COALESCE(SUM(active_seconds), 0) AS s FROM amendments WHERE annotation_id = ?",
                                            [.integer(annotation)]).first?.double(Computed.s) ?? 0
                    let since = now.timeIntervalSince1970 - (try row.double(Table.Annotations.submittedAt))
                    if let problem = ActiveTime.problem(activeSeconds, held: max(0, since) - spent) ?? ActiveTime.problem(before + activeSeconds) {
                        throw ProjectError(code: .invalidInput, message: "active seconds for amending annotation \(annotation): \(problem)")
                    }
                }
                try c.insert(into: Table.Amendments.self, [
                    .annotationID: .integer(annotation), .previousText: .text(previous), .activeSeconds: .optional(activeSeconds),
                    .amendedAt: .real(now.timeIntervalSince1970),
                ])
                try c.execute("UPDATE annotations SET text = ?, active_seconds = ? WHERE id = ?",
                              [.text(clean), .optional(activeSeconds.map { before + $0 } ?? stored),
                               .integer(annotation)])
            }
            guard let updated = try c.query(Self.ownSubmissionQuery + " WHERE a.id = ?", [.integer(annotation)]).first else {
                throw ProjectError(code: .store, message: "annotation \(annotation) vanished while being amended")
            }
            return try Self.ownSubmission(updated)
        }
    }

    static let ownSubmissionQuery = """
        SELECT a.id, a.task_id, a.segment_id, a.kind, a.language, a.text, a.boundary_changed, s.start, s."end", r.path,
          (SELECT COUNT(*) FROM settled st WHERE st.segment_id = a.segment_id AND st.language = a.language) AS n
        FROM annotations a JOIN segments s ON s.id = a.segment_id JOIN recordings r ON r.id = s.recording_id
        """

    /// The audio of one of `name`'s own submissions (to hear it again while amending): the
    /// recording and the segment's bounds.
    /// - Throws: ``ProjectError`` `.notYours` for an annotation that is not theirs (or none).
    public func submittedClip(_ annotation: Int64, as name: String) throws -> (path: String, start: Double, end: Double) {
        let row = try database.single(readOnly: true) { c in
            try c.query(
                """
                SELECT r.path, s.start, s."end" FROM annotations a JOIN annotators p ON p.id = a.annotator_id
                JOIN segments s ON s.id = a.segment_id JOIN recordings r ON r.id = s.recording_id
                WHERE a.id = ? AND p.name = ?
                """, [.integer(annotation), .text(name)]).first
        }
        guard let row else { throw ProjectError(code: .notYours, message: "annotation \(annotation) is not one of \(name)'s submissions") }
        return (try row.string(RecordingRecord.Columns.path), try row.double(Table.Segments.start), try row.double(Table.Segments.end))
    }

    /// The two segments just before `segment` in its recording, nearest first: an index walk
    /// backwards from it (segments of one recording never share a start).
    static func previousSegments(_ segment: Int64, _ c: SQLConnection) throws -> [Int64] {
        try c.query(
            """
            SELECT p.id FROM segments p
            WHERE p.recording_id = (SELECT recording_id FROM segments WHERE id = ?) AND p.start < (SELECT start FROM segments WHERE id = ?)
            ORDER BY p.start DESC LIMIT 2
            """, [.integer(segment), .integer(segment)]).map { try $0.int(Table.Segments.id) }
    }

    /// The texts of `previous` (nearest first) this person may see in `language`: the settled
    /// text, else their own latest; oldest first.
    func before(_ previous: [Int64], language: String, me: Annotator, _ c: SQLConnection) throws -> [ContextLine] {
        guard !previous.isEmpty else { return [] }
        let rows = try c.query(
            """
            SELECT p.id, st.text,
              (SELECT a.text FROM annotations a WHERE a.segment_id = p.id AND a.language = ? AND a.annotator_id = ? ORDER BY a.id DESC LIMIT 1) AS own
            FROM segments p LEFT JOIN settled st ON st.segment_id = p.id AND st.language = ?
            WHERE p.id IN (\(previous.map { _ in "?" }.joined(separator: ", ")))
            """, [.text(language), .integer(me.id), .text(language)] + previous.map { .integer($0) })
        var lines: [Int64: ContextLine] = [:]
        for row in rows {
            let id = try row.int(Table.Segments.id)
            if let text = try row.optionalString(Table.Settled.text) {
                lines[id] = ContextLine(segmentID: id, text: text, whose: .settled)
            } else if let text = try row.optionalString(Own.own) {
                lines[id] = ContextLine(segmentID: id, text: text, whose: .yours)
            }
        }
        return previous.reversed().compactMap { lines[$0] }
    }

    private enum Own: String { case own }

    // MARK: Boundaries

    /// Changes the boundaries of the segment of a transcription task `name` holds, for
    /// everyone: the segment's other tasks follow it, a split makes a new segment with its
    /// own transcription tasks, a merge joins the next segment (only while nobody has worked
    /// on it). Texts already written for the old boundaries are kept and marked
    /// (`boundary_changed`); the edit is recorded as this person's work in `segment_edits`.
    /// - Throws: ``ProjectError`` `.notYours` without a live lease; `.invalidInput` for an
    ///   edit that would cross a neighbour or the recording's ends, leave a segment under
    ///   0.2 s, or merge into a segment with work on it.
    public func editBoundaries(task: Int64, as name: String, edit: BoundaryEdit, now: Date = Date()) throws -> BoundaryResult {
        try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            guard row.isLeased(to: me) else { throw notYours(task, me) }
            guard row.kind == .transcribe else {
                throw ProjectError(code: .invalidInput, message: "boundaries are changed while transcribing; skip this \(row.kind.rawValue) task as 'boundary wrong' instead")
            }
            let segment = row.segmentID
            try lockSegment(segment, c)
            guard let s = try c.query(
                """
                SELECT s.recording_id, s.start, s."end", s.speech_start, s.speech_end, s.content_warning, s.speaker, s.speaker_source, r.duration
                FROM segments s JOIN recordings r ON r.id = s.recording_id WHERE s.id = ?
                """, [.integer(segment)]).first else { throw ProjectError(code: .notFound, message: "segment \(segment) is missing") }
            let recording = try s.int(Table.Segments.recordingID)
            let start = try s.double(Table.Segments.start), end = try s.double(Table.Segments.end)
            let duration = try s.double(RecordingRecord.Columns.duration)
            let previousEnd = try c.query(
                "SELECT MAX(\"end\") AS s FROM segments WHERE recording_id = ? AND start < ? AND id <> ?",
                [.integer(recording), .real(start), .integer(segment)]).first?.optionalDouble(Computed.s)
            let next = try c.query(
                "SELECT id, start, \"end\", speech_end, content_warning FROM segments WHERE recording_id = ? AND start > ? AND id <> ? ORDER BY start, id LIMIT 1",
                [.integer(recording), .real(start), .integer(segment)]).first
            let nextStart = try next?.double(Table.Segments.start)
            let shortest = Self.shortestSegment
            func fail(_ message: String) -> ProjectError { ProjectError(code: .invalidInput, message: "segment \(segment): \(message)") }
            func rounded(_ t: Double) -> Double { (t * 1000).rounded() / 1000 }
            var newStart = start, newEnd = end
            var created: Int64?, merged: Int64?
            switch edit {
            case .start(let t):
                let t = rounded(t)
                guard t.isFinite, t >= 0 else { throw fail("a start cannot be before the recording") }
                if let previousEnd, t < previousEnd - 0.0005 { throw fail("the start would run into the segment before (it ends at \(previousEnd) s)") }
                guard t <= end - shortest else { throw fail("the start must stay at least \(shortest) s before the end (\(end) s)") }
                newStart = t
            case .end(let t):
                let t = rounded(t)
                guard t.isFinite, t <= duration + 0.0005 else { throw fail("an end cannot be after the recording (\(duration) s)") }
                if let nextStart, t > nextStart + 0.0005 { throw fail("the end would run into the next segment (it starts at \(nextStart) s)") }
                guard t >= start + shortest else { throw fail("the end must stay at least \(shortest) s after the start (\(start) s)") }
                newEnd = min(t, duration)
            case .split(let at):
                let p = rounded(at)
                guard p.isFinite, p >= start + shortest, p <= end - shortest else {
                    throw fail("a split must leave at least \(shortest) s on each side (\(start)–\(end) s)")
                }
                newEnd = p
                let speaker = try s.optionalString(Table.Segments.speaker)
                try c.insert(into: Table.Segments.self, [
                    .recordingID: .integer(recording), .start: .real(p), .end: .real(end),
                    .speechStart: .real(max(p, try s.double(Table.Segments.speechStart))), .speechEnd: .real(max(p, try s.double(Table.Segments.speechEnd))),
                    .contentWarning: .bool(try s.bool(Table.Segments.contentWarning)), .speaker: .optional(speaker),
                    .speakerSource: .optional(try s.optionalString(Table.Segments.speakerSource)),
                ])
                let id = try c.lastInsertedID()
                created = id
                let stamp = Timestamp.now()
                for slot in 0..<config.redundancy {
                    try c.insert(into: TaskRecord.Columns.self, [
                        .segmentID: .integer(id), .kind: .text(TaskKind.transcribe.rawValue), .language: .text(config.sourceLanguage.value),
                        .slot: .integer(Int64(slot)), .createdAt: .text(stamp),
                    ])
                }
            case .merge:
                guard let next else { throw fail("it is the last segment of its recording; there is nothing to merge with") }
                let other = try next.int(Table.Segments.id)
                let work = try c.query(
                    """
                    SELECT (SELECT COUNT(*) FROM annotations WHERE segment_id = ?) + (SELECT COUNT(*) FROM skips WHERE segment_id = ?)
                      + (SELECT COUNT(*) FROM drafts d JOIN tasks t ON t.id = d.task_id WHERE t.segment_id = ?)
                      + (SELECT COUNT(*) FROM tasks WHERE segment_id = ? AND state = 'leased' AND lease_expires > ?)
                      + (SELECT COUNT(*) FROM exposures WHERE segment_id = ?) + (SELECT COUNT(*) FROM settled WHERE segment_id = ?)
                      + (SELECT COUNT(*) FROM segment_edits WHERE segment_id = ?) AS n
                    """, [.integer(other), .integer(other), .integer(other), .integer(other), .real(now.timeIntervalSince1970), .integer(other),
                          .integer(other), .integer(other)]).first?.int(Computed.n) ?? 0
                guard work == 0 else {
                    throw fail("the next segment (\(other)) already has work on it or someone holds it; skip as 'boundary wrong' so a reviewer can decide")
                }
                newEnd = try next.double(Table.Segments.end)
                // A machine's draft of the next segment joins this one's, in order.
                let drafts = try c.query("SELECT kind, language, text FROM machine_drafts WHERE segment_id = ?", [.integer(other)])
                for d in drafts {
                    let k = try d.string(Table.MachineDrafts.kind), l = try d.string(Table.MachineDrafts.language), t = try d.string(Table.MachineDrafts.text)
                    let mine = try c.query("SELECT text FROM machine_drafts WHERE segment_id = ? AND kind = ? AND language = ?",
                                           [.integer(segment), .text(k), .text(l)]).first?.string(Table.MachineDrafts.text)
                    if let mine {
                        try c.execute("UPDATE machine_drafts SET text = ? WHERE segment_id = ? AND kind = ? AND language = ?",
                                      [.text(mine + " " + t), .integer(segment), .text(k), .text(l)])
                    } else {
                        try c.execute("UPDATE machine_drafts SET segment_id = ? WHERE segment_id = ? AND kind = ? AND language = ?",
                                      [.integer(segment), .integer(other), .text(k), .text(l)])
                    }
                }
                try c.execute("DELETE FROM machine_drafts WHERE segment_id = ?", [.integer(other)])
                try c.execute("DELETE FROM leases WHERE task_id IN (SELECT id FROM tasks WHERE segment_id = ?)", [.integer(other)])
                try c.execute("DELETE FROM tasks WHERE segment_id = ?", [.integer(other)])
                if try next.bool(Table.Segments.contentWarning) {
                    try c.execute("UPDATE segments SET content_warning = 1 WHERE id = ?", [.integer(segment)])
                }
                try c.execute("UPDATE segments SET speech_end = ? WHERE id = ?", [.real(try next.double(Table.Segments.speechEnd)), .integer(segment)])
                try c.execute("DELETE FROM segments WHERE id = ?", [.integer(other)])
                merged = other
            }
            try c.execute(
                """
                UPDATE segments SET start = ?, "end" = ?, speech_start = MIN(MAX(speech_start, ?), ?), speech_end = MAX(MIN(speech_end, ?), ?) WHERE id = ?
                """.replacingOccurrences(of: "MIN(", with: database.dialect == .postgres ? "LEAST(" : "MIN(")
                    .replacingOccurrences(of: "MAX(", with: database.dialect == .postgres ? "GREATEST(" : "MAX("),
                [.real(newStart), .real(newEnd), .real(newStart), .real(newEnd), .real(newEnd), .real(newStart), .integer(segment)])
            let marked = try c.query("SELECT COUNT(*) AS n FROM annotations WHERE segment_id = ? AND boundary_changed = 0", [.integer(segment)])
                .first?.int(Computed.n) ?? 0
            try c.execute("UPDATE annotations SET boundary_changed = 1 WHERE segment_id = ?", [.integer(segment)])
            try c.insert(into: Table.SegmentEdits.self, [
                .segmentID: .integer(segment), .annotatorID: .integer(me.id), .taskID: .integer(task), .action: .text(edit.name),
                .oldStart: .real(start), .oldEnd: .real(end), .newStart: .real(newStart), .newEnd: .real(newEnd),
                .otherSegmentID: .optional(created ?? merged), .editedAt: .real(now.timeIntervalSince1970),
            ])
            return BoundaryResult(segmentID: segment, start: newStart, end: newEnd, newSegmentID: created, mergedSegmentID: merged, marked: Int(marked))
        }
    }
}
