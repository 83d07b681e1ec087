import CLibPQ
import Foundation

/// The team engine: a PostgreSQL database through libpq, PostgreSQL's own client library.
///
/// One connection per process, used by one transaction at a time. SQL is the store's shared
/// SQL with `?` placeholders, sent as `$1, $2, ...` with text parameters that the server types
/// from their context. Every libpq call in Chorus is in this file.
public final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    /// The URL without its password, for messages.
    public let displayURL: String
    private let lock = NSLock()
    private let connection: OpaquePointer
    /// Statements prepared on this connection (`PQprepare`), by their SQL: planned once.
    private var prepared: [String: String] = [:]

    /// Connects to `url` (`postgres://user@host:port/db` or `postgresql:///db?host=/run/dir`).
    /// - Throws: ``ProjectError`` `.store` with libpq's message.
    public init(url: String) throws {
        displayURL = Self.redact(url)
        guard let c = PQconnectdb(url) else {
            throw ProjectError(code: .store, message: "cannot connect to \(displayURL): out of memory")
        }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            throw ProjectError(code: .store, message: "cannot connect to \(displayURL): \(message)", cause: message)
        }
        connection = c
        _ = try? run("SET client_min_messages TO warning", [])
    }

    deinit { PQfinish(connection) }

    public func write<T>(_ body: (SQLConnection) throws -> T) throws -> T { try transaction("BEGIN", body) }

    public func read<T>(_ body: (SQLConnection) throws -> T) throws -> T { try transaction("BEGIN READ ONLY", body) }

    /// Runs `body` in a transaction; when the server ends it as a deadlock victim (SQLSTATE
    /// 40P01) or for a serialization failure (40001), runs it again from the start, up to 10
    /// times. Every store operation is one all-or-nothing transaction, so this is safe.
    private func transaction<T>(_ begin: String, _ body: (SQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            _ = try run(begin, [])
            do {
                let result = try body(Connection(database: self))
                _ = try run("COMMIT", [])
                return result
            } catch let error as ProjectError where ["40P01", "40001"].contains(error.cause ?? "") && attempt < 10 {
                _ = try? run("ROLLBACK", [])
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            } catch {
                _ = try? run("ROLLBACK", [])
                throw error
            }
        }
    }

    private struct Connection: SQLConnection {
        let database: PostgresDatabase
        func execute(_ sql: String, _ arguments: [SQLValue]) throws { _ = try database.run(sql, arguments) }
        func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] { try database.run(sql, arguments) }
        func lastInsertedID() throws -> Int64 { try database.run("SELECT lastval() AS id", []).first?["id"].int ?? 0 }
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
                guard let made = PQprepare(connection, fresh, text, Int32(values.count), nil) else {
                    throw ProjectError(code: .store, message: "\(displayURL): \(String(cString: PQerrorMessage(connection)))")
                }
                defer { PQclear(made) }
                guard PQresultStatus(made) == PGRES_COMMAND_OK else {
                    let message = String(cString: PQresultErrorMessage(made)).trimmingCharacters(in: .whitespacesAndNewlines)
                    let state = PQresultErrorField(made, chorus_pg_diag_sqlstate()).map { String(cString: $0) } ?? ""
                    throw ProjectError(code: .store, message: "store error: \(message)", path: displayURL, cause: state)
                }
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
        guard let result else {
            throw ProjectError(code: .store, message: "\(displayURL): \(String(cString: PQerrorMessage(connection)))")
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            let state = PQresultErrorField(result, chorus_pg_diag_sqlstate()).map { String(cString: $0) } ?? ""
            throw ProjectError(code: .store, message: "store error: \(message)", path: displayURL, cause: state)
        }
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
