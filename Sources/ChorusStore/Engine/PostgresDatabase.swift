import CLibPQ
import Foundation

/// The team engine: a PostgreSQL database through libpq, PostgreSQL's own client library.
///
/// One connection per process, used by one transaction at a time. SQL is the store's shared
/// SQL with `?` placeholders, sent as `$1, $2, ...` with text parameters that the server types
/// from their context. Every libpq call in Chorus is in this file.
///
/// Errors are one line (the server's primary message); the full text with its DETAIL and HINT
/// lines is the error's `cause`. Server notices are not printed. While the server cannot be
/// reached (restarting, starting up), connecting and transactions that had not reached COMMIT
/// are tried again for up to ``reconnectSeconds``; a transaction whose COMMIT was cut off is
/// not, since it may have been applied.
public final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    /// The URL without its password, for messages.
    public let displayURL: String
    /// How long to keep trying while the server cannot be reached, seconds.
    public static let reconnectSeconds = 15.0
    private let lock = NSLock()
    private let connection: OpaquePointer
    /// Statements prepared on this connection (`PQprepare`), by their SQL: planned once.
    private var prepared: [String: String] = [:]

    /// Connects to `url` (`postgres://user@host:port/db` or `postgresql:///db?host=/run/dir`),
    /// waiting up to ``reconnectSeconds`` for a server that is not up.
    /// - Throws: ``ProjectError`` `.store` with libpq's message on one line.
    public init(url: String) throws {
        displayURL = Self.redact(url)
        let deadline = Date().addingTimeInterval(Self.reconnectSeconds)
        var delay: UInt32 = 100_000
        while true {
            guard let c = PQconnectdb(url) else {
                throw ProjectError(code: .store, message: "cannot connect to \(displayURL): out of memory")
            }
            if PQstatus(c) == CONNECTION_OK {
                connection = c
                break
            }
            let full = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            if Self.serverUnreachable(url) && Date() < deadline {
                usleep(delay)
                delay = min(delay * 2, 1_000_000)
                continue
            }
            throw ProjectError(code: .store, message: "cannot connect to \(displayURL): \(Self.firstLine(full))", cause: full)
        }
        chorus_pg_quiet(connection)
        _ = try? run("SET client_min_messages TO warning", [])
    }

    /// Whether a failed connection is the server being away (down, restarting, starting up)
    /// rather than a refusal that waiting will not change (a wrong password or database).
    private static func serverUnreachable(_ url: String) -> Bool {
        let ping = PQping(url)
        return ping == PQPING_NO_RESPONSE || ping == PQPING_REJECT
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        return line.hasPrefix("ERROR:  ") ? String(line.dropFirst(8)) : line
    }

    deinit { PQfinish(connection) }

    public func write<T>(_ body: (SQLConnection) throws -> T) throws -> T { try transaction("BEGIN", body) }

    public func read<T>(_ body: (SQLConnection) throws -> T) throws -> T { try transaction("BEGIN READ ONLY", body) }

    /// One statement in its own implicit transaction: one round trip instead of three. A read
    /// is run again after a dropped connection; a write is not (it may have been applied).
    public func single<T>(readOnly: Bool, _ body: (SQLConnection) throws -> T) throws -> T {
        try transaction(nil, retryAfterDrop: readOnly, body)
    }

    /// Runs `body` in a transaction; when the server ends it as a deadlock victim (SQLSTATE
    /// 40P01) or for a serialization failure (40001), runs it again from the start, up to 10
    /// times. Every store operation is one all-or-nothing transaction, so this is safe.
    private func transaction<T>(_ begin: String?, retryAfterDrop: Bool = true, _ body: (SQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        var deadline: Date?
        while true {
            attempt += 1
            var committing = begin == nil && !retryAfterDrop
            do {
                guard let begin else { return try body(Connection(database: self)) }
                _ = try run(begin, [])
                let result = try body(Connection(database: self))
                committing = true
                _ = try run("COMMIT", [])
                return result
            } catch let error as ProjectError where ["40P01", "40001"].contains(error.sqlState ?? "") && attempt < 10 {
                if begin != nil { _ = try? run("ROLLBACK", []) }
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            } catch let error as ProjectError where PQstatus(connection) == CONNECTION_BAD && !committing {
                // The server went away before COMMIT: nothing was applied. Reconnect and start over.
                let until = deadline ?? Date().addingTimeInterval(Self.reconnectSeconds)
                deadline = until
                guard reconnect(until: until) else {
                    throw ProjectError(
                        code: .store,
                        message: "lost the connection to \(displayURL) and it did not come back within \(Int(Self.reconnectSeconds)) s: \(error.message)",
                        cause: error.cause)
                }
            } catch {
                if begin != nil && PQstatus(connection) != CONNECTION_BAD { _ = try? run("ROLLBACK", []) }
                throw error
            }
        }
    }

    /// Resets the connection until it works or `until` passes; statements must be prepared anew.
    private func reconnect(until: Date) -> Bool {
        var delay: UInt32 = 100_000
        while true {
            PQreset(connection)
            if PQstatus(connection) == CONNECTION_OK {
                prepared = [:]
                chorus_pg_quiet(connection)
                _ = try? run("SET client_min_messages TO warning", [])
                return true
            }
            guard Date() < until else { return false }
            usleep(delay)
            delay = min(delay * 2, 1_000_000)
        }
    }

    private struct Connection: SQLConnection {
        let database: PostgresDatabase
        func execute(_ sql: String, _ arguments: [SQLValue]) throws { _ = try database.run(sql, arguments) }
        func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] { try database.run(sql, arguments) }
        func lastInsertedID() throws -> Int64 { guard let row = try database.run("SELECT lastval() AS id", []).first else {
                throw ProjectError(code: .store, message: "PostgreSQL returned no id for the row just inserted")
            }
            return try row.int(Computed.id) }
    }

    /// Runs one statement (`PQexecParams`, text format both ways) and returns its rows.
    fileprivate func run(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let text = Self.numberPlaceholders(sql)
        let values: [String?] = arguments.map {
            switch $0 {
            case .null: nil
            case .integer(let v): String(v)
            case .real(let v): String(v)
            case .text(let v): v
            }
        }
        var cStrings: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
        defer { for p in cStrings { free(p) } }
        // Statements with parameters are prepared once and reused; transaction control and
        // one-off statements without parameters are sent as they are.
        var name: String?
        if !values.isEmpty {
            if let known = prepared[text] {
                name = known
            } else {
                let fresh = "chorus_\(prepared.count)"
                guard let made = PQprepare(connection, fresh, text, Int32(values.count), nil) else { throw connectionError() }
                defer { PQclear(made) }
                guard PQresultStatus(made) == PGRES_COMMAND_OK else { throw resultError(made) }
                prepared[text] = fresh
                name = fresh
            }
        }
        let result = cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { params in
                if let name {
                    PQexecPrepared(connection, name, Int32(values.count), params, nil, nil, 0)
                } else {
                    PQexecParams(connection, text, 0, nil, nil, nil, nil, 0)
                }
            }
        }
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw resultError(result) }
        var rows: [SQLRow] = []
        let fields = PQnfields(result)
        for r in 0..<PQntuples(result) {
            var row: [String: SQLValue] = [:]
            for f in 0..<fields {
                let name = String(cString: PQfname(result, f))
                if PQgetisnull(result, r, f) == 1 {
                    row[name] = .null
                    continue
                }
                let value = String(cString: PQgetvalue(result, r, f))
                switch PQftype(result, f) {
                case 20, 21, 23: row[name] = Int64(value).map(SQLValue.integer) ?? .text(value)
                case 700, 701: row[name] = Double(value).map(SQLValue.real) ?? .text(value)
                case 1700: row[name] = Int64(value).map(SQLValue.integer) ?? Double(value).map(SQLValue.real) ?? .text(value)
                case 16: row[name] = .integer(value == "t" ? 1 : 0)
                default: row[name] = .text(value)
                }
            }
            rows.append(SQLRow(values: row))
        }
        return rows
    }

    /// A failed statement as one line: the server's primary message, with the full text (DETAIL,
    /// HINT) as the cause and the SQLSTATE kept for the retry rules.
    private func resultError(_ result: OpaquePointer) -> ProjectError {
        let full = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        let state = PQresultErrorField(result, chorus_pg_diag_sqlstate()).map { String(cString: $0) }
        let primary = PQresultErrorField(result, chorus_pg_diag_message_primary()).map { String(cString: $0) } ?? Self.firstLine(full)
        return ProjectError(code: .store, message: "store error: \(primary)", path: displayURL, cause: full, sqlState: state)
    }

    /// A statement that got no result at all: the connection failed.
    private func connectionError() -> ProjectError {
        let full = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        return ProjectError(code: .store, message: "store error: \(Self.firstLine(full))", path: displayURL, cause: full)
    }

    /// `?` placeholders as `$1, $2, ...`, leaving quoted text and identifiers alone.
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        var n = 0
        var quote: Character?
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// The URL with any password replaced by `***`.
    public static func redact(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    /// Whether a config's `database` names a PostgreSQL server rather than a SQLite file.
    public static func isURL(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }
}
