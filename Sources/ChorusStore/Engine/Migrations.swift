import Foundation

/// The store's schema as numbered migrations, applied in order, each in one transaction with
/// the record of it, so a newer `chorus` opens an older project and brings it up to date.
/// Migrations are only ever added, never edited once released.
public enum Migrations {
    /// Each migration: its number and its statements, with ``SQLDialect`` placeholders.
    static let all: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE recordings (
                id {pk},
                sha256 TEXT NOT NULL UNIQUE,
                path TEXT NOT NULL,
                duration {real} NOT NULL,
                sample_rate INTEGER NOT NULL,
                channels INTEGER NOT NULL,
                container TEXT NOT NULL,
                encoding TEXT NOT NULL,
                speaker TEXT,
                metadata TEXT NOT NULL DEFAULT '{}',
                segmenter TEXT NOT NULL,
                added_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE segments (
                id {pk},
                recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE RESTRICT,
                start {real} NOT NULL,
                "end" {real} NOT NULL,
                speech_start {real} NOT NULL,
                speech_end {real} NOT NULL,
                CHECK (start >= 0 AND start < "end")
            )
            """,
            "CREATE INDEX segments_by_recording ON segments(recording_id, start)",
        ]),
        (2, [
            "ALTER TABLE segments ADD COLUMN content_warning INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE annotators (
                id {pk},
                name TEXT NOT NULL UNIQUE,
                languages TEXT NOT NULL,
                pay_model TEXT NOT NULL DEFAULT 'none' CHECK (pay_model IN ('none', 'hour', 'audio-minute', 'task')),
                pay_rate TEXT,
                credit_name TEXT,
                added_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE tasks (
                id {pk},
                segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
                kind TEXT NOT NULL CHECK (kind IN ('transcribe', 'translate', 'review')),
                language TEXT NOT NULL,
                slot INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'leased', 'done')),
                segment_started INTEGER NOT NULL DEFAULT 0,
                annotator_id INTEGER REFERENCES annotators(id),
                lease_expires {real},
                created_at TEXT NOT NULL,
                UNIQUE (segment_id, kind, language, slot)
            )
            """,
            // The claim's own order: open tasks of one kind and language, started segments first.
            "CREATE INDEX tasks_open ON tasks(state, kind, language, segment_started DESC, segment_id, slot)",
            "CREATE INDEX tasks_by_annotator ON tasks(annotator_id, state)",
            """
            CREATE TABLE leases (
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                leased_at {real} NOT NULL,
                expires {real} NOT NULL
            )
            """,
            "CREATE INDEX leases_by_task ON leases(task_id, annotator_id)",
            """
            CREATE TABLE drafts (
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                text TEXT NOT NULL,
                saved_at {real} NOT NULL,
                PRIMARY KEY (task_id, annotator_id)
            )
            """,
            """
            CREATE TABLE annotations (
                id {pk},
                task_id INTEGER REFERENCES tasks(id),
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                kind TEXT NOT NULL,
                language TEXT NOT NULL,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                text TEXT NOT NULL,
                active_seconds {real},
                from_machine_draft INTEGER NOT NULL DEFAULT 0,
                counted INTEGER NOT NULL DEFAULT 1,
                source TEXT NOT NULL DEFAULT 'chorus',
                submitted_at {real} NOT NULL
            )
            """,
            "CREATE INDEX annotations_by_segment ON annotations(segment_id, kind, language)",
            """
            CREATE TABLE skips (
                id {pk},
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                kind TEXT NOT NULL,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                reason TEXT NOT NULL CHECK (reason IN ('no-speech', 'unintelligible', 'wrong-language', 'distressing', 'other')),
                comment TEXT,
                skipped_at {real} NOT NULL
            )
            """,
            "CREATE INDEX skips_by_segment ON skips(segment_id, annotator_id)",
            """
            CREATE TABLE machine_drafts (
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                kind TEXT NOT NULL,
                language TEXT NOT NULL,
                text TEXT NOT NULL,
                source TEXT NOT NULL,
                added_at {real} NOT NULL,
                PRIMARY KEY (segment_id, kind, language)
            )
            """,
            """
            CREATE TABLE settled (
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                language TEXT NOT NULL,
                text TEXT NOT NULL,
                method TEXT NOT NULL CHECK (method IN ('agreed', 'consensus', 'adjudicated')),
                agreement {real},
                settled_at {real} NOT NULL,
                PRIMARY KEY (segment_id, language)
            )
            """,
        ]),
        // The annotation loop: active working time carried with a draft across restarts.
        (3, [
            "ALTER TABLE drafts ADD COLUMN active_seconds {real}",
        ]),
        (4, [
            // Each recording's split, fixed the first time it is exported, so a segment never
            // moves between splits as the corpus grows.
            """
            CREATE TABLE splits (
                recording_id INTEGER PRIMARY KEY REFERENCES recordings(id),
                split TEXT NOT NULL CHECK (split IN ('train', 'dev', 'test')),
                assigned_at TEXT NOT NULL
            )
            """,
        ]),
        (5, [
            // The people in the loop: opting out of distressing content, the pay terms they
            // were shown, what distressing content they saw, rejections and appeals.
            "ALTER TABLE annotators ADD COLUMN avoid_distressing INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE annotators ADD COLUMN terms_seen_at {real}",
            // Time spent on a segment before skipping it is work too.
            "ALTER TABLE skips ADD COLUMN active_seconds {real}",
            """
            CREATE TABLE exposures (
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                seen_at {real} NOT NULL,
                PRIMARY KEY (annotator_id, segment_id)
            )
            """,
            """
            CREATE TABLE rejections (
                id {pk},
                annotation_id INTEGER NOT NULL UNIQUE REFERENCES annotations(id),
                reviewer_id INTEGER NOT NULL REFERENCES annotators(id),
                reason TEXT NOT NULL,
                rejected_at {real} NOT NULL
            )
            """,
            """
            CREATE TABLE appeals (
                id {pk},
                rejection_id INTEGER NOT NULL UNIQUE REFERENCES rejections(id),
                comment TEXT NOT NULL,
                appealed_at {real} NOT NULL,
                reviewer_id INTEGER REFERENCES annotators(id),
                decision TEXT CHECK (decision IN ('upheld', 'overturned')),
                decision_reason TEXT,
                decided_at {real}
            )
            """,
        ]),
        // The file's size and modification time at import: a cheap check that it is unchanged,
        // before a full re-hash. NULL for recordings imported before. And every submission looks
        // for the person's earlier one on the task (a retry is answered, not stored twice).
        (6, [
            "ALTER TABLE recordings ADD COLUMN size_bytes INTEGER",
            "ALTER TABLE recordings ADD COLUMN modified_at {real}",
            "CREATE INDEX annotations_by_task ON annotations(task_id, annotator_id)",
        ]),
        // People working through `chorus serve`: one-time invite codes, the long tokens they are
        // exchanged for (both stored as SHA-256, never as given), the append-only audit log of
        // owner actions and token use, and the client's own id for a submission (a retry with
        // the same id is answered with the first result).
        (7, [
            """
            CREATE TABLE invites (
                id {pk},
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                code_sha256 TEXT NOT NULL UNIQUE,
                created_at {real} NOT NULL,
                expires_at {real} NOT NULL,
                used_at {real}
            )
            """,
            """
            CREATE TABLE tokens (
                id {pk},
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                token_sha256 TEXT NOT NULL UNIQUE,
                created_at {real} NOT NULL,
                created_from TEXT,
                last_used_at {real},
                last_used_from TEXT,
                revoked_at {real}
            )
            """,
            """
            CREATE TABLE audit (
                id {pk},
                at {real} NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                task_id INTEGER,
                remote TEXT,
                detail TEXT
            )
            """,
            "ALTER TABLE annotations ADD COLUMN client_id TEXT",
            "CREATE UNIQUE INDEX annotations_by_client_id ON annotations(annotator_id, client_id)",
        ]),
        // A speaker per segment (NULL: the recording's, from its metadata) and where it came
        // from (rttm, import, loop); splits fixed per speaker instead of per recording, so a
        // conversation's speakers can go to different splits and no speaker is in two. A
        // group is `speaker:<name>`, or `recording:<id>` for a recording's segments without a
        // speaker. Splits fixed per recording become their speaker's (the first recording's wins).
        (8, [
            "ALTER TABLE segments ADD COLUMN speaker TEXT",
            "ALTER TABLE segments ADD COLUMN speaker_source TEXT",
            """
            CREATE TABLE split_groups (
                group_key TEXT PRIMARY KEY,
                split TEXT NOT NULL CHECK (split IN ('train', 'dev', 'test')),
                assigned_at TEXT NOT NULL
            )
            """,
            """
            INSERT INTO split_groups (group_key, split, assigned_at)
            SELECT CASE WHEN r.speaker IS NOT NULL THEN 'speaker:' || r.speaker ELSE 'recording:' || CAST(r.id AS TEXT) END, s.split, s.assigned_at
            FROM splits s JOIN recordings r ON r.id = s.recording_id WHERE true ORDER BY s.recording_id
            ON CONFLICT (group_key) DO NOTHING
            """,
            "DROP TABLE splits",
        ]),
        // The transcriber's craft: a submission amended before its segment settles keeps each
        // earlier text (`amendments`); a segment's boundaries moved, split or merged in the
        // loop are recorded as the person's work (`segment_edits`), and texts written for the
        // old boundaries are marked (`annotations.boundary_changed`), never dropped.
        (9, [
            """
            CREATE TABLE amendments (
                id {pk},
                annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE RESTRICT,
                previous_text TEXT NOT NULL,
                active_seconds {real},
                amended_at {real} NOT NULL
            )
            """,
            "CREATE INDEX amendments_by_annotation ON amendments(annotation_id)",
            "ALTER TABLE annotations ADD COLUMN boundary_changed INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE segment_edits (
                id {pk},
                segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
                task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE RESTRICT,
                action TEXT NOT NULL CHECK (action IN ('start', 'end', 'split', 'merge')),
                old_start {real} NOT NULL,
                old_end {real} NOT NULL,
                new_start {real} NOT NULL,
                new_end {real} NOT NULL,
                other_segment_id INTEGER,
                edited_at {real} NOT NULL
            )
            """,
            "CREATE INDEX segment_edits_by_segment ON segment_edits(segment_id)",
            // A new skip reason, 'boundary-wrong': PostgreSQL changes the check in place;
            // SQLite cannot, so the table is copied into one with the new check.
            "-- postgres\nALTER TABLE skips DROP CONSTRAINT IF EXISTS skips_reason_check",
            "-- postgres\nALTER TABLE skips ADD CONSTRAINT skips_reason_check CHECK (reason IN (\(skipReasons)))",
            """
            -- sqlite
            CREATE TABLE skips_v9 (
                id {pk},
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                segment_id INTEGER NOT NULL REFERENCES segments(id),
                kind TEXT NOT NULL,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id),
                reason TEXT NOT NULL CHECK (reason IN (\(skipReasons))),
                comment TEXT,
                skipped_at {real} NOT NULL,
                active_seconds {real}
            )
            """,
            """
            -- sqlite
            INSERT INTO skips_v9 (id, task_id, segment_id, kind, annotator_id, reason, comment, skipped_at, active_seconds)
            SELECT id, task_id, segment_id, kind, annotator_id, reason, comment, skipped_at, active_seconds FROM skips
            """,
            "-- sqlite\nDROP TABLE skips",
            "-- sqlite\nALTER TABLE skips_v9 RENAME TO skips",
            "-- sqlite\nCREATE INDEX skips_by_segment ON skips(segment_id, annotator_id)",
        ]),
    ]

    /// The skip reasons migration 9 allows.
    static let skipReasons = "'no-speech', 'unintelligible', 'wrong-language', 'distressing', 'boundary-wrong', 'other'"

    /// The newest schema version this build knows.
    public static var latest: Int { all.last?.version ?? 0 }

    /// Brings the store up to ``latest``.
    /// - Returns: the version the store was at before.
    /// - Throws: ``ProjectError`` `.newerSchema` when the store is newer than this build.
    /// - Parameter through: the version to stop at (tests of upgrades build older stores).
    @discardableResult
    public static func apply(to database: SQLDatabase, through: Int = latest) throws -> Int {
        // Most opens find the store up to date: a read says so without taking the write lock
        // (and lets a read-only store be read).
        if let current = try? database.read({ c in try c.query("SELECT MAX(version) AS version FROM chorus_schema").first?.optionalInt(Table.Schema.version) }),
           current == Int64(through) {
            return through
        }
        return try database.write { c in
            // Several processes may open a new PostgreSQL project at once (SQLite's are
            // serialised by the folder's lock file; a PostgreSQL server may be shared by machines).
            if database.dialect == .postgres { _ = try c.query("SELECT pg_advisory_xact_lock(727274) AS locked") }
            try c.execute("CREATE TABLE IF NOT EXISTS chorus_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            let current = Int(try c.query("SELECT MAX(version) AS version FROM chorus_schema").first?.optionalInt(Table.Schema.version) ?? 0)
            if current > latest {
                throw ProjectError(
                    code: .newerSchema,
                    message: "the store is at schema version \(current), newer than this chorus knows (\(latest)); upgrade chorus")
            }
            for migration in all where migration.version > current && migration.version <= through {
                for statement in migration.statements {
                    // A statement for one engine only starts with a comment naming it.
                    if statement.hasPrefix("-- "), !statement.hasPrefix("-- \(database.dialect == .sqlite ? "sqlite" : "postgres")\n") { continue }
                    try c.execute(database.dialect.render(statement))
                }
                try c.insert(into: Table.Schema.self, [.version: .integer(Int64(migration.version)), .appliedAt: .text(Timestamp.now())])
            }
            return current
        }
    }
}

/// UTC timestamps as ISO 8601 text, the same in every engine.
enum Timestamp {
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
