/// A table's columns, named once: the enum's cases are its columns and `table` is its name.
/// Reads go through ``SQLRow``'s typed reads with these cases and writes through
/// ``SQLConnection/insert(into:_:suffix:)``, which pairs each column with its value, so a
/// misspelt column does not compile and a value cannot land in its neighbour's column.
///
/// Adding a column touches its migration, its case here (or in the record that owns the table)
/// and the code that uses it.
public protocol TableColumns: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    static var table: String { get }
}

extension TableColumns {
    /// The column names, in declaration order.
    static var names: [String] { allCases.map(\.rawValue) }
}

extension Table {
    /// Every table's columns; a test holds them to the migrated schema, both ways.
    static let all: [any TableColumns.Type] = [
        RecordingRecord.Columns.self, Segments.self, Annotator.Columns.self, TaskRecord.Columns.self, Leases.self, Drafts.self,
        Annotations.self, Skips.self, MachineDrafts.self, Settled.self, SplitGroups.self, Exposures.self, Rejections.self, Appeals.self,
        Invites.self, Tokens.self, Audit.self, Schema.self, Amendments.self, SegmentEdits.self,
    ]
}

/// The columns of the tables that no record type of their own reads whole. `recordings`,
/// `annotators` and `tasks` are named by ``RecordingRecord``, ``Annotator`` and `TaskRecord`.
enum Table {
    enum Segments: String, TableColumns {
        static let table = "segments"
        case id, recordingID = "recording_id", start, end, speechStart = "speech_start", speechEnd = "speech_end"
        case contentWarning = "content_warning", speaker, speakerSource = "speaker_source"
    }

    enum Leases: String, TableColumns {
        static let table = "leases"
        case taskID = "task_id", annotatorID = "annotator_id", leasedAt = "leased_at", expires
    }

    enum Drafts: String, TableColumns {
        static let table = "drafts"
        case taskID = "task_id", annotatorID = "annotator_id", text, savedAt = "saved_at", activeSeconds = "active_seconds"
    }

    enum Annotations: String, TableColumns {
        static let table = "annotations"
        case id, taskID = "task_id", segmentID = "segment_id", kind, language, annotatorID = "annotator_id", text
        case activeSeconds = "active_seconds", fromMachineDraft = "from_machine_draft", counted, source, submittedAt = "submitted_at"
        case clientID = "client_id", boundaryChanged = "boundary_changed"
    }

    enum Amendments: String, TableColumns {
        static let table = "amendments"
        case id, annotationID = "annotation_id", previousText = "previous_text", activeSeconds = "active_seconds", amendedAt = "amended_at"
    }

    enum SegmentEdits: String, TableColumns {
        static let table = "segment_edits"
        case id, segmentID = "segment_id", annotatorID = "annotator_id", taskID = "task_id", action, oldStart = "old_start", oldEnd = "old_end"
        case newStart = "new_start", newEnd = "new_end", otherSegmentID = "other_segment_id", editedAt = "edited_at"
    }

    enum Skips: String, TableColumns {
        static let table = "skips"
        case id, taskID = "task_id", segmentID = "segment_id", kind, annotatorID = "annotator_id", reason, comment
        case skippedAt = "skipped_at", activeSeconds = "active_seconds"
    }

    enum MachineDrafts: String, TableColumns {
        static let table = "machine_drafts"
        case segmentID = "segment_id", kind, language, text, source, addedAt = "added_at"
    }

    enum Settled: String, TableColumns {
        static let table = "settled"
        case segmentID = "segment_id", language, text, method, agreement, settledAt = "settled_at"
    }

    enum SplitGroups: String, TableColumns {
        static let table = "split_groups"
        case groupKey = "group_key", split, assignedAt = "assigned_at"
    }

    enum Exposures: String, TableColumns {
        static let table = "exposures"
        case annotatorID = "annotator_id", segmentID = "segment_id", seenAt = "seen_at"
    }

    enum Rejections: String, TableColumns {
        static let table = "rejections"
        case id, annotationID = "annotation_id", reviewerID = "reviewer_id", reason, rejectedAt = "rejected_at"
    }

    enum Appeals: String, TableColumns {
        static let table = "appeals"
        case id, rejectionID = "rejection_id", comment, appealedAt = "appealed_at", reviewerID = "reviewer_id", decision
        case decisionReason = "decision_reason", decidedAt = "decided_at"
    }

    enum Invites: String, TableColumns {
        static let table = "invites"
        case id, annotatorID = "annotator_id", codeSHA256 = "code_sha256", createdAt = "created_at", expiresAt = "expires_at", usedAt = "used_at"
    }

    enum Tokens: String, TableColumns {
        static let table = "tokens"
        case id, annotatorID = "annotator_id", tokenSHA256 = "token_sha256", createdAt = "created_at", createdFrom = "created_from"
        case lastUsedAt = "last_used_at", lastUsedFrom = "last_used_from", revokedAt = "revoked_at"
    }

    enum Audit: String, TableColumns {
        static let table = "audit"
        case id, at, actor, action, taskID = "task_id", remote, detail
    }

    enum Schema: String, TableColumns {
        static let table = "chorus_schema"
        case version, appliedAt = "applied_at"
    }
}

/// The names a query gives its computed columns (`COUNT(*) AS n`, `SUM(...) AS s`), named once
/// like a table's.
enum Computed: String {
    /// A count.
    case n
    /// A sum of seconds.
    case s
    /// A calendar day, `YYYY-MM-DD`.
    case day
    /// The id the last insert gave its row.
    case id
}

extension SQLConnection {
    /// Inserts one row, each value beside the column it goes into.
    /// - Parameter suffix: what follows the VALUES list, such as `ON CONFLICT DO NOTHING`.
    public func insert<C: TableColumns>(into _: C.Type, _ values: KeyValuePairs<C, SQLValue>, suffix: String = "") throws {
        let (sql, arguments) = Self.insertStatement(C.self, values, suffix: suffix)
        try execute(sql, arguments)
    }

    /// Inserts one row and returns what its `RETURNING` suffix selects (no row when a conflict
    /// clause skipped it).
    public func insertReturning<C: TableColumns>(into _: C.Type, _ values: KeyValuePairs<C, SQLValue>, suffix: String) throws -> [SQLRow] {
        let (sql, arguments) = Self.insertStatement(C.self, values, suffix: suffix)
        return try query(sql, arguments)
    }

    private static func insertStatement<C: TableColumns>(_: C.Type, _ values: KeyValuePairs<C, SQLValue>, suffix: String) -> (String, [SQLValue]) {
        let columns = values.map { "\"\($0.key.rawValue)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
        return ("INSERT INTO \(C.table) (\(columns)) VALUES (\(marks))" + (suffix.isEmpty ? "" : " " + suffix), values.map(\.value))
    }
}

extension SQLValue {
    /// NULL for nil.
    public static func optional(_ v: String?) -> SQLValue { v.map(SQLValue.text) ?? .null }
    public static func optional(_ v: Double?) -> SQLValue { v.map(SQLValue.real) ?? .null }
    public static func optional(_ v: Int64?) -> SQLValue { v.map(SQLValue.integer) ?? .null }
    public static func bool(_ v: Bool) -> SQLValue { .integer(v ? 1 : 0) }
}
