import ChorusMetrics
import Foundation

/// The kinds of task.
public enum TaskKind: String, Sendable, CaseIterable, Codable {
    case transcribe, translate, review
}

/// Why a person gave a task back. Never held against them.
public enum SkipReason: String, Sendable, CaseIterable, Codable {
    case noSpeech = "no-speech", unintelligible, wrongLanguage = "wrong-language", distressing, boundaryWrong = "boundary-wrong", other
}

/// A task handed to one person, with what they need to do it.
public struct ClaimedTask: Sendable, Equatable, Codable {
    public var taskID: Int64
    public var kind: TaskKind
    /// The language of the text to write.
    public var language: String
    public var segmentID: Int64
    public var recording: String
    /// Seconds in the recording.
    public var start: Double
    public var end: Double
    /// When the lease lapses, seconds since 1970.
    public var leaseExpires: Double
    /// Someone skipped this segment as distressing: warn before any audio plays.
    public var contentWarning: Bool
    /// What this person had typed before, if anything.
    public var draft: String?
    /// Active seconds already spent on the draft in earlier sittings.
    public var draftActiveSeconds: Double?
    /// A machine's text to start from (an ASR or MT system's output), if one was imported.
    public var machineDraft: String?
    /// For translation and review: the text to translate or the transcripts to reconcile.
    public var sourceTexts: [String]
    /// For review: the annotation ids of ``sourceTexts``, so a version can be rejected.
    public var sourceAnnotationIDs: [Int64] = []
    /// For review: the versions written before the segment's boundaries last changed.
    public var sourcesBeforeBoundaryChange: [Int64] = []
    /// The settled transcript of the segment before this one in the recording, for context.
    public var context: String?
    /// The texts of the two segments before this one this person may see (settled, or their
    /// own), oldest first.
    public var before: [ContextLine] = []
    /// The segment's speaker (its own, else its recording's), if known.
    public var speaker: String?
    /// The speakers of its recording's segments, to choose from.
    public var knownSpeakers: [String] = []
    /// For reviewing translations: the settled transcript they translate.
    public var original: String?

    public init(taskID: Int64, kind: TaskKind, language: String, segmentID: Int64, recording: String, start: Double, end: Double,
                leaseExpires: Double, contentWarning: Bool, draft: String? = nil, draftActiveSeconds: Double? = nil, machineDraft: String? = nil,
                sourceTexts: [String] = [], sourceAnnotationIDs: [Int64] = [], context: String? = nil, original: String? = nil,
                speaker: String? = nil, knownSpeakers: [String] = [], before: [ContextLine] = []) {
        self.before = before
        self.speaker = speaker
        self.knownSpeakers = knownSpeakers
        self.taskID = taskID
        self.kind = kind
        self.language = language
        self.segmentID = segmentID
        self.recording = recording
        self.start = start
        self.end = end
        self.leaseExpires = leaseExpires
        self.contentWarning = contentWarning
        self.draft = draft
        self.draftActiveSeconds = draftActiveSeconds
        self.machineDraft = machineDraft
        self.sourceTexts = sourceTexts
        self.sourceAnnotationIDs = sourceAnnotationIDs
        self.context = context
        self.original = original
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", kind, language, segmentID = "segment_id", recording, start, end
        case leaseExpires = "lease_expires", contentWarning = "content_warning", draft, draftActiveSeconds = "draft_active_seconds"
        case machineDraft = "machine_draft", sourceTexts = "source_texts", sourceAnnotationIDs = "source_annotation_ids", context, original
        case before
    }
}

/// What became of a submission. Nothing submitted is dropped: a late one is kept either way.
public struct Submission: Sendable, Equatable, Codable {
    public var annotationID: Int64
    public var taskID: Int64
    /// False when the lease had lapsed and someone else had the task by then: the text is kept
    /// as an extra annotation, but the task is theirs.
    public var counted: Bool
    /// Set when this submission settled the segment's text in that language.
    public var settled: String?

    public init(annotationID: Int64, taskID: Int64, counted: Bool, settled: String?) {
        self.annotationID = annotationID
        self.taskID = taskID
        self.counted = counted
        self.settled = settled
    }

    enum CodingKeys: String, CodingKey {
        case annotationID = "annotation_id", taskID = "task_id", counted, settled
    }
}

/// Hands out and takes back work: claim with a lease, save drafts, submit, skip, release.
/// Every operation is one transaction; the terminal loop, the CLI and a future server all use this.
public struct WorkQueue: Sendable {
    let database: SQLDatabase
    let config: ProjectConfig
    /// The person every call acts as, when the caller has just read them (a server that
    /// authenticated the request): their record is not looked up again by name.
    var known: Annotator?

    init(database: SQLDatabase, config: ProjectConfig, known: Annotator? = nil) {
        self.database = database
        self.config = config
        self.known = known
    }

    /// This queue for calls made as `person`, whose record the caller has just read.
    public func acting(as person: Annotator) -> WorkQueue { WorkQueue(database: database, config: config, known: person) }

    /// The person named `name`: the known record, or read in this transaction.
    func person(_ name: String, _ c: SQLConnection) throws -> Annotator {
        if let known, known.name == name { return known }
        return try ProjectStore.annotator(named: name, c)
    }

    var leaseSeconds: Double { config.leaseMinutes * 60 }

    // MARK: Claim

    /// Leases the next task `name` can do: one whose language they work in, on a segment they
    /// have not annotated, held or skipped for that kind; segments already started first.
    /// - Throws: ``ProjectError`` `.notFound` for an unknown annotator, `.nothingToDo` when no task fits, `.dailyCapReached` past the daily cap.
    public func claim(as name: String, kind: TaskKind? = nil, language: String? = nil, now: Date = Date()) throws -> ClaimedTask {
        try database.write { c in
            let me = try person(name, c)
            let t = now.timeIntervalSince1970
            try c.execute("UPDATE tasks SET state = 'open', annotator_id = NULL, lease_expires = NULL WHERE state = 'leased' AND lease_expires <= ?", [.real(t)])
            let pairs = allowed(for: me, kind: kind, language: language)
            guard !pairs.isEmpty else { throw nothing(me) }
            let limits = try wellbeing(me, now: now, c)
            if let reached = limits.capReached { throw ProjectError(code: .dailyCapReached, message: reached) }
            // One index walk per (kind, language), in priority order, each stopping at the first
            // task this person may take: started segments first, then import order.
            let query = """
                SELECT t.id, t.segment_id FROM tasks t
                WHERE t.state = 'open' AND t.kind = ? AND t.language = ?
                  AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.segment_id = t.segment_id AND o.kind = t.kind AND o.language = t.language AND o.annotator_id = ?)
                  AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.segment_id = t.segment_id AND a.kind = t.kind AND a.language = t.language AND a.annotator_id = ?)
                  AND NOT EXISTS (SELECT 1 FROM skips k WHERE k.segment_id = t.segment_id AND k.annotator_id = ? AND k.kind = t.kind)
                  AND (t.kind <> 'review' OR NOT EXISTS (SELECT 1 FROM annotations a WHERE a.segment_id = t.segment_id AND a.language = t.language AND a.annotator_id = ?))
                """ + (limits.avoidFlagged ? "  AND NOT EXISTS (SELECT 1 FROM segments f WHERE f.id = t.segment_id AND f.content_warning = 1)\n" : "") + """
                ORDER BY t.segment_started DESC, t.segment_id, t.slot LIMIT 1
                """ + database.dialect.skipLocked
            var found: (task: Int64, segment: Int64, kind: TaskKind, language: String)?
            for (k, language) in pairs {
                let mine: [SQLValue] = [.text(k.rawValue), .text(language), .integer(me.id), .integer(me.id), .integer(me.id), .integer(me.id)]
                if let row = try c.query(query, mine).first {
                    found = (try row.int(TaskRecord.Columns.id), try row.int(TaskRecord.Columns.segmentID), k, language)
                    break
                }
            }
            guard let (taskID, segmentID, foundKind, foundLanguage) = found else { throw nothing(me) }
            // Mark the segment started on its tasks, passing over sibling tasks that other claims
            // hold (PostgreSQL): waiting for them while they wait for this one deadlocks, and
            // each claim marks its own task anyway.
            try c.execute(
                "UPDATE tasks SET segment_started = 1 WHERE id IN (SELECT id FROM tasks WHERE segment_id = ? AND segment_started = 0\(database.dialect.skipLocked))",
                [.integer(segmentID)])
            let expires = t + leaseSeconds
            try c.execute("UPDATE tasks SET state = 'leased', annotator_id = ?, lease_expires = ? WHERE id = ?", [.integer(me.id), .real(expires), .integer(taskID)])
            try c.insert(into: Table.Leases.self, [.taskID: .integer(taskID), .annotatorID: .integer(me.id), .leasedAt: .real(t), .expires: .real(expires)])
            return try describe(taskID: taskID, segmentID: segmentID, kind: foundKind, language: foundLanguage, me: me, expires: expires, c)
        }
    }

    /// The (kind, language) pairs this person may do, in the order they are offered: reviews,
    /// then translations, then transcriptions, so work nearer the end is finished first.
    func allowed(for me: Annotator, kind: TaskKind?, language: String? = nil) -> [(TaskKind, String)] {
        let speaks = Set(me.languages.map(\.language))
        let source = config.sourceLanguage
        guard speaks.contains(source.language) else { return [] }
        let targets = config.targetLanguages.filter { speaks.contains($0.language) }.map(\.value)
        var pairs: [(TaskKind, String)] = []
        for language in [source.value] + targets { pairs.append((.review, language)) }
        for language in targets { pairs.append((.translate, language)) }
        pairs.append((.transcribe, source.value))
        return pairs.filter { (kind == nil || $0.0 == kind) && (language == nil || $0.1 == language) }
    }

    func nothing(_ me: Annotator) -> ProjectError {
        ProjectError(code: .nothingToDo, message: "no task for \(me.name) right now (languages: \(me.languages.map(\.value).joined(separator: ", ")))")
    }

    func describe(taskID: Int64, segmentID: Int64, kind k: TaskKind, language: String, me: Annotator, expires: Double, _ c: SQLConnection) throws -> ClaimedTask {
        guard let s = try c.query(
            "SELECT s.start, s.\"end\", s.content_warning, r.path, COALESCE(s.speaker, r.speaker) AS speaker FROM segments s JOIN recordings r ON r.id = s.recording_id WHERE s.id = ?",
            [.integer(segmentID)]).first else { throw ProjectError(code: .notFound, message: "segment \(segmentID) is missing") }
        let draftRow = try c.query("SELECT text, active_seconds FROM drafts WHERE task_id = ? AND annotator_id = ?", [.integer(taskID), .integer(me.id)]).first
        var sources: [String] = []
        var sourceIDs: [Int64] = []
        var marked: [Int64] = []
        var original: String?
        if k == .translate {
            sources = try c.query("SELECT text FROM settled WHERE segment_id = ? AND language = ?", [.integer(segmentID), .text(config.sourceLanguage.value)]).map { try $0.string(Table.Settled.text) }
        } else if k == .review {
            let reviewed = language == config.sourceLanguage.value ? "transcribe" : "translate"
            if reviewed == "translate" {
                original = try c.query("SELECT text FROM settled WHERE segment_id = ? AND language = ?", [.integer(segmentID), .text(config.sourceLanguage.value)]).first?.string(Table.Settled.text)
            }
            let rows = try c.query(
                "SELECT id, text, boundary_changed FROM annotations WHERE segment_id = ? AND kind = ? AND language = ? AND counted = 1 ORDER BY id",
                [.integer(segmentID), .text(reviewed), .text(language)])
            sources = try rows.map { try $0.string(Table.Annotations.text) }
            sourceIDs = try rows.map { try $0.int(Table.Annotations.id) }
            marked = try rows.filter { try $0.bool(Table.Annotations.boundaryChanged) }.map { try $0.int(Table.Annotations.id) }
        }
        let previous = try Self.previousSegments(segmentID, c)
        let machine = try c.query(
            "SELECT text FROM machine_drafts WHERE segment_id = ? AND kind = ? AND language = ?",
            [.integer(segmentID), .text(k.rawValue), .text(language)]).first?.string(Table.MachineDrafts.text)
        var task = ClaimedTask(
            taskID: taskID, kind: k, language: language, segmentID: segmentID, recording: try s.string(RecordingRecord.Columns.path),
            start: try s.double(Table.Segments.start), end: try s.double(Table.Segments.end), leaseExpires: expires,
            contentWarning: try s.bool(Table.Segments.contentWarning), draft: try draftRow?.string(Table.Drafts.text),
            draftActiveSeconds: try draftRow?.optionalDouble(Table.Drafts.activeSeconds),
            machineDraft: machine, sourceTexts: sources, sourceAnnotationIDs: sourceIDs, context: try context(previous.first, c), original: original,
            speaker: try s.optionalString(Table.Segments.speaker), knownSpeakers: try Self.knownSpeakers(segment: segmentID, c),
            before: try before(previous, language: language, me: me, c))
        task.sourcesBeforeBoundaryChange = marked
        return task
    }

    /// The speakers of the recording a segment is in: its segments' own and the recording's.
    static func knownSpeakers(segment: Int64, _ c: SQLConnection) throws -> [String] {
        try c.query(
            """
            SELECT DISTINCT COALESCE(s.speaker, r.speaker) AS speaker FROM segments s JOIN recordings r ON r.id = s.recording_id
            WHERE s.recording_id = (SELECT recording_id FROM segments WHERE id = ?) AND COALESCE(s.speaker, r.speaker) IS NOT NULL
            ORDER BY speaker
            """, [.integer(segment)]).map { try $0.string(Table.Segments.speaker) }
    }

    /// Sets the speaker of the segment of a task `name` holds (a person's choice in the loop:
    /// diarization never replaces it).
    public func setSpeaker(task: Int64, as name: String, speaker: String) throws {
        try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            guard row.isLeased(to: me) else { throw notYours(task, me) }
            guard let segment = try c.query("SELECT segment_id FROM tasks WHERE id = ?", [.integer(task)]).first?.int(TaskRecord.Columns.segmentID) else { throw notYours(task, me) }
            _ = try ProjectStore.setSpeakers([(segment, speaker)], source: .loop, c)
        }
    }

    // MARK: While working

    /// Extends the lease `name` holds on a task by the project's lease time.
    public func renew(task: Int64, as name: String, now: Date = Date()) throws -> Double {
        try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            guard row.isLeased(to: me) else { throw notYours(task, me) }
            let expires = now.timeIntervalSince1970 + leaseSeconds
            try c.execute("UPDATE tasks SET lease_expires = ? WHERE id = ?", [.real(expires), .integer(task)])
            try c.execute("UPDATE leases SET expires = ? WHERE task_id = ? AND annotator_id = ? AND expires < ?", [.real(expires), .integer(task), .integer(me.id), .real(expires)])
            return expires
        }
    }

    /// Saves what `name` has typed so far; kept until they submit, whatever happens to the lease.
    public func saveDraft(task: Int64, as name: String, text: String, activeSeconds: Double? = nil, now: Date = Date()) throws {
        try database.write { c in
            let me = try person(name, c)
            // Never held (or no such task): not theirs to draft.
            let leases = try self.leases(task, me, c)
            guard leases.count > 0 else { throw notYours(task, me) }
            if let activeSeconds { try checkActive(activeSeconds, task: task, held: leases.seconds) }
            try c.insert(into: Table.Drafts.self, [.taskID: .integer(task), .annotatorID: .integer(me.id), .text: .text(text),
                                                   .savedAt: .real(now.timeIntervalSince1970), .activeSeconds: .optional(activeSeconds)],
                         suffix: "ON CONFLICT (task_id, annotator_id) DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at, active_seconds = excluded.active_seconds")
        }
    }

    // MARK: Submit, skip, release

    /// Submits `text` for a task `name` holds or held. On a live lease, or a lapsed one nobody
    /// else took, it counts and completes the task; if someone else has the task by now it is
    /// kept as an extra annotation. Completing the last transcript of a segment settles it when
    /// the transcripts agree (creating its translation tasks) or opens a review task.
    ///
    /// A retry of a submission (the same task, person and text, after a time-out, say) is
    /// answered with the first one's result and stores nothing.
    /// - Throws: ``ProjectError`` `.invalidInput` for empty text, a non-speech tag the project
    ///   does not list, or active time that cannot be true; `.notYours` for a task this person
    ///   never held; `.alreadySubmitted` for a different text on a task this person submitted.
    /// - Parameter clientID: the client's own id for this submission (up to 100 characters): a
    ///   retry with the same id is answered with the first result whatever its text.
    public func submit(task: Int64, as name: String, text: String, activeSeconds: Double? = nil, fromMachineDraft: Bool = false,
                       clientID: String? = nil, now: Date = Date()) throws -> Submission {
        if let clientID, clientID.isEmpty || clientID.count > 100 || clientID.contains(where: { $0.isNewline }) {
            throw ProjectError(code: .invalidInput, message: "a submission id is 1 to 100 characters on one line")
        }
        let clean = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty else { throw ProjectError(code: .invalidInput, message: "the text for task \(task) is empty") }
        if let tag = config.unknownTag(in: clean) {
            throw ProjectError(code: .invalidInput, message: "\(tag) is not one of this project's tags (\(config.tags.joined(separator: " ")))")
        }
        return try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            if let clientID, let other = try c.query("SELECT task_id FROM annotations WHERE annotator_id = ? AND client_id = ?",
                                                      [.integer(me.id), .text(clientID)]).first?.optionalInt(Table.Annotations.taskID), other != task {
                throw ProjectError(code: .invalidInput, message: "submission id \(clientID) was already used for task \(other), not \(task)")
            }
            if let first = try earlierSubmission(task: task, me, text: clean, clientID: clientID, c) { return first }
            let leases = try self.leases(task, me, c)
            if let activeSeconds { try checkActive(activeSeconds, task: task, held: leases.seconds) }
            let state = row.state
            let holder = row.annotatorID
            let counts: Bool
            if state == "leased" && holder == me.id {
                counts = true
            } else if leases.count > 0 {
                counts = state == "open"
            } else {
                throw notYours(task, me)
            }
            let segment = row.segmentID
            try lockSegment(segment, c)
            if counts {
                try c.execute("UPDATE tasks SET state = 'done', annotator_id = ?, lease_expires = NULL WHERE id = ?", [.integer(me.id), .integer(task)])
            }
            let kind = row.kind.rawValue, language = row.language
            try c.insert(into: Table.Annotations.self, [
                .taskID: .integer(task), .segmentID: .integer(segment), .kind: .text(kind), .language: .text(language), .annotatorID: .integer(me.id),
                .text: .text(clean), .activeSeconds: .optional(activeSeconds), .fromMachineDraft: .bool(fromMachineDraft), .counted: .bool(counts),
                .submittedAt: .real(now.timeIntervalSince1970), .clientID: .optional(clientID),
            ])
            let annotation = try c.lastInsertedID()
            try c.execute("DELETE FROM drafts WHERE task_id = ? AND annotator_id = ?", [.integer(task), .integer(me.id)])
            try recordExposure(me.id, segment: segment, at: now.timeIntervalSince1970, onlyIfFlagged: true, c)
            var settled: String?
            if counts {
                settled = try settle(segment: segment, kind: TaskKind(rawValue: kind) ?? .transcribe, language: language, now: now, c)
            }
            return Submission(annotationID: annotation, taskID: task, counted: counts, settled: settled)
        }
    }

    /// Gives a task back with a reason; `name` is not offered that segment for that kind again.
    /// "distressing" puts a content warning on the segment for whoever comes next.
    /// - Parameter activeSeconds: time spent on it before skipping, which counts as work.
    public func skip(task: Int64, as name: String, reason: SkipReason, comment: String? = nil, activeSeconds: Double? = nil, now: Date = Date()) throws {
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment, comment.count > 500 {
            throw ProjectError(code: .invalidInput, message: "a skip's comment is at most 500 characters (this one has \(comment.count))")
        }
        let kept = comment?.isEmpty == false ? comment : nil
        try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            guard row.isLeased(to: me) else { throw notYours(task, me) }
            if let activeSeconds { try checkActive(activeSeconds, task: task, held: try leases(task, me, c).seconds) }
            let segment = row.segmentID
            try c.insert(into: Table.Skips.self, [
                .taskID: .integer(task), .segmentID: .integer(segment), .kind: .text(row.kind.rawValue), .annotatorID: .integer(me.id),
                .reason: .text(reason.rawValue), .comment: .optional(kept), .skippedAt: .real(now.timeIntervalSince1970),
                .activeSeconds: .optional(activeSeconds),
            ])
            try c.execute("UPDATE tasks SET state = 'open', annotator_id = NULL, lease_expires = NULL WHERE id = ?", [.integer(task)])
            if reason == .distressing {
                try c.execute("UPDATE segments SET content_warning = 1 WHERE id = ?", [.integer(segment)])
            }
        }
    }

    /// Gives a task back to the pool without doing it; the draft is kept.
    public func release(task: Int64, as name: String) throws {
        try database.write { c in
            let me = try person(name, c)
            let row = try taskRow(task, c)
            guard row.isLeased(to: me) else { throw notYours(task, me) }
            try c.execute("UPDATE tasks SET state = 'open', annotator_id = NULL, lease_expires = NULL WHERE id = ?", [.integer(task)])
        }
    }

    // MARK: Settling and generating tasks

    /// After a counted submission: settles the segment's text in `language` when its tasks of
    /// this kind are all done and agree, or when a review is submitted; opens a review when
    /// they disagree; creates translation tasks once the transcript is settled.
    func settle(segment: Int64, kind: TaskKind, language: String, now: Date, _ c: SQLConnection) throws -> String? {
        let t = SQLValue.real(now.timeIntervalSince1970)
        var text: String?
        var method = "agreed"
        var agreement: Double?
        if kind == .review {
            text = try c.query(
                "SELECT text FROM annotations WHERE segment_id = ? AND kind = 'review' AND language = ? AND counted = 1 ORDER BY id DESC LIMIT 1",
                [.integer(segment), .text(language)]).first?.string(Table.Annotations.text)
            method = "adjudicated"
        } else {
            let open = try c.query(
                "SELECT COUNT(*) AS n FROM tasks WHERE segment_id = ? AND kind = ? AND language = ? AND state <> 'done'",
                [.integer(segment), .text(kind.rawValue), .text(language)]).first?.int(Computed.n) ?? 0
            guard open == 0 else { return nil }
            let texts = try c.query(
                "SELECT text FROM annotations WHERE segment_id = ? AND kind = ? AND language = ? AND counted = 1 ORDER BY id",
                [.integer(segment), .text(kind.rawValue), .text(language)]).map { try $0.string(Table.Annotations.text) }
            let rule = SettlingRule(threshold: config.agreementThreshold, normalization: config.normalization(for: language))
            if let agreed = rule.settle(texts) {
                text = agreed.text
                agreement = agreed.agreement
                method = agreed.method.rawValue
            } else {
                try c.insert(into: TaskRecord.Columns.self, [
                    .segmentID: .integer(segment), .kind: .text(TaskKind.review.rawValue), .language: .text(language), .slot: .integer(0),
                    .createdAt: .text(Timestamp.now()),
                ], suffix: "ON CONFLICT DO NOTHING")
                return nil
            }
        }
        guard let text else { return nil }
        try c.insert(into: Table.Settled.self, [
            .segmentID: .integer(segment), .language: .text(language), .text: .text(text), .method: .text(method), .agreement: .optional(agreement),
            .settledAt: t,
        ], suffix: "ON CONFLICT (segment_id, language) DO UPDATE SET text = excluded.text, method = excluded.method, agreement = excluded.agreement, settled_at = excluded.settled_at")
        if language == config.sourceLanguage.value {
            for target in config.targetLanguages {
                for slot in 0..<config.translationRedundancy {
                    try c.insert(into: TaskRecord.Columns.self, [
                        .segmentID: .integer(segment), .kind: .text(TaskKind.translate.rawValue), .language: .text(target.value),
                        .slot: .integer(Int64(slot)), .createdAt: .text(Timestamp.now()),
                    ], suffix: "ON CONFLICT DO NOTHING")
                }
            }
        }
        return text
    }

    /// Serialises the submissions that could settle one segment. Under PostgreSQL's READ
    /// COMMITTED, two people finishing a segment's last two tasks at once would each miss the
    /// other's uncommitted work and neither would settle it.
    func lockSegment(_ segment: Int64, _ c: SQLConnection) throws {
        if let lock = database.dialect.lockRow(of: "segments") { _ = try c.query(lock, [.integer(segment)]) }
    }

    func taskRow(_ task: Int64, _ c: SQLConnection) throws -> TaskRecord {
        guard let row = try c.query("SELECT \(TaskRecord.selection) FROM tasks WHERE id = ?", [.integer(task)]).first else {
            throw ProjectError(code: .notFound, message: "there is no task \(task)")
        }
        return try TaskRecord(row: row)
    }

    /// Every submission runs it: indexed by `annotations_by_task`.
    static let earlierSubmissionQuery =
        "SELECT id, segment_id, language, text, counted, client_id FROM annotations WHERE task_id = ? AND annotator_id = ? ORDER BY id LIMIT 1"

    /// This person's earlier submission to `task`: the same text is a retry, answered as the
    /// first time; another text is refused.
    private func earlierSubmission(task: Int64, _ me: Annotator, text: String, clientID: String?, _ c: SQLConnection) throws -> Submission? {
        guard let first = try c.query(Self.earlierSubmissionQuery, [.integer(task), .integer(me.id)]).first else { return nil }
        let id = try first.int(Table.Annotations.id)
        let earlierID = try first.optionalString(Table.Annotations.clientID), earlierText = try first.string(Table.Annotations.text)
        guard (clientID != nil && earlierID == clientID) || earlierText == text else {
            throw ProjectError(
                code: .alreadySubmitted,
                message: "task \(task) was already submitted by \(me.name) (annotation \(id)) with another text; a submission is not replaced")
        }
        let counted = try first.bool(Table.Annotations.counted)
        let settled = counted ? try c.query(
            "SELECT text FROM settled WHERE segment_id = ? AND language = ?",
            [try first.value(Table.Annotations.segmentID), try first.value(Table.Annotations.language)]).first?.string(Table.Settled.text) : nil
        return Submission(annotationID: id, taskID: task, counted: counted, settled: settled)
    }

    /// Refuses active time that cannot be true: not finite, negative, over a day, or more than
    /// this person's leases on the task covered.
    private func checkActive(_ seconds: Double, task: Int64, held: Double) throws {
        if let problem = ActiveTime.problem(seconds, held: held) {
            throw ProjectError(code: .invalidInput, message: "active seconds for task \(task): \(problem)")
        }
    }

    /// How many leases this person had on the task, and the seconds they covered: whether it
    /// was ever theirs, and how much active time can be true.
    private func leases(_ task: Int64, _ me: Annotator, _ c: SQLConnection) throws -> (count: Int, seconds: Double) {
        guard let row = try c.query(
            "SELECT COUNT(*) AS n, COALESCE(SUM(expires - leased_at), 0) AS s FROM leases WHERE task_id = ? AND annotator_id = ?",
            [.integer(task), .integer(me.id)]).first else { return (0, 0) }
        return (Int(try row.int(Computed.n)), try row.double(Computed.s))
    }

    func notYours(_ task: Int64, _ me: Annotator) -> ProjectError {
        ProjectError(code: .notYours, message: "task \(task) is not leased to \(me.name)")
    }
}

extension Project {
    /// The work queue of this project.
    public var work: WorkQueue { WorkQueue(database: store.database, config: config) }
}

/// One row of `tasks`, as the queue reads it.
struct TaskRecord {
    enum Columns: String, CaseIterable, TableColumns {
        static let table = "tasks"
        case id, segmentID = "segment_id", kind, language, slot, state, segmentStarted = "segment_started", annotatorID = "annotator_id"
        case leaseExpires = "lease_expires", createdAt = "created_at"
    }
    /// The columns a task is read with.
    static let selection = [Columns.id, .segmentID, .kind, .language, .state, .annotatorID].map(\.rawValue).joined(separator: ", ")

    var id: Int64
    var segmentID: Int64
    var kind: TaskKind
    var language: String
    /// `open`, `leased` or `done`.
    var state: String
    var annotatorID: Int64?

    init(row: SQLRow) throws {
        id = try row.int(Columns.id)
        segmentID = try row.int(Columns.segmentID)
        let k = try row.string(Columns.kind)
        guard let known = TaskKind(rawValue: k) else { throw ProjectError(code: .store, message: "task \(id) is of kind '\(k)', which this chorus does not know") }
        kind = known
        language = try row.string(Columns.language)
        state = try row.string(Columns.state)
        annotatorID = try row.optionalInt(Columns.annotatorID)
    }

    /// Whether `me` holds the task's lease now.
    func isLeased(to me: Annotator) -> Bool { state == "leased" && annotatorID == me.id }
}
