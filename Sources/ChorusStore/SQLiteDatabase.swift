import Foundation
import GRDB

/// The embedded engine: one SQLite file in WAL mode, through GRDB's `DatabasePool` (concurrent
/// readers, one writer at a time; writers wait up to 30 s for one another rather than failing).
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    private let pool: DatabasePool
    public let path: String

    /// Opens or creates the file at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw ProjectError(code: .store, message: "cannot open the store: \(error)", path: path, cause: "\(error)")
        }
    }

    /// Takes the write lock when the transaction begins (`BEGIN IMMEDIATE`): a transaction that
    /// read first and upgraded later could fail with SQLITE_BUSY_SNAPSHOT when another process
    /// wrote in between, which no busy timeout waits out.
    public func write<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try translate {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(Connection(db: db))
                    return .commit
                }
                return result!
            }
        }
    }

    public func read<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try translate { try pool.read { db in try body(Connection(db: db)) } }
    }

    private func translate<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as DatabaseError {
            throw ProjectError(code: .store, message: "store error: \(error.message ?? "\(error.resultCode)")", path: path, cause: "\(error)")
        }
    }

    /// Statements are prepared once per connection and reused (GRDB's statement cache): the
    /// same few queries run thousands of times in a busy queue.
    private struct Connection: SQLConnection {
        let db: Database

        func execute(_ sql: String, _ arguments: [SQLValue]) throws {
            guard !arguments.isEmpty || !sql.contains(";") else {
                return try db.execute(sql: sql)
            }
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments.map(\.grdb)))
        }

        func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map(\.grdb))).map { row in
                var values: [String: SQLValue] = [:]
                for (column, value) in row {
                    switch value.storage {
                    case .null: values[column] = .null
                    case .int64(let v): values[column] = .integer(v)
                    case .double(let v): values[column] = .real(v)
                    case .string(let v): values[column] = .text(v)
                    case .blob(let v): values[column] = .text(String(decoding: v, as: UTF8.self))
                    }
                }
                return SQLRow(values: values)
            }
        }

        func lastInsertedID() throws -> Int64 { db.lastInsertedRowID }
    }
}

extension SQLValue {
    fileprivate var grdb: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        }
    }
}
