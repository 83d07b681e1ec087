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
    ]

    /// The newest schema version this build knows.
    public static var latest: Int { all.last?.version ?? 0 }

    /// Brings the store up to ``latest``.
    /// - Returns: the version the store was at before.
    /// - Throws: ``ProjectError`` `.newerSchema` when the store is newer than this build.
    @discardableResult
    public static func apply(to database: SQLDatabase) throws -> Int {
        try database.write { c in
            try c.execute("CREATE TABLE IF NOT EXISTS chorus_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            let current = Int(try c.query("SELECT MAX(version) AS v FROM chorus_schema").first?["v"].int ?? 0)
            if current > latest {
                throw ProjectError(
                    code: .newerSchema,
                    message: "the store is at schema version \(current), newer than this chorus knows (\(latest)); upgrade chorus")
            }
            for migration in all where migration.version > current {
                for statement in migration.statements { try c.execute(database.dialect.render(statement)) }
                try c.execute("INSERT INTO chorus_schema (version, applied_at) VALUES (?, ?)", [.integer(Int64(migration.version)), .text(Timestamp.now())])
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
