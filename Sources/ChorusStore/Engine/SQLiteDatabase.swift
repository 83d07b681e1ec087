import Foundation
import GRDB

/// The embedded engine: one SQLite file in WAL mode, through GRDB's `DatabasePool` (concurrent
/// readers, one writer at a time; writers wait up to 30 s for one another rather than failing).
///
/// A store this user cannot write (the file or its folder read-only) is opened for reading
/// only, and leaves nothing behind: with no pending write-ahead log it is opened immutable,
/// so SQLite creates no `-shm` or `-wal` file (a read-only `-shm` left beside the store would
/// stop every later writer).
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    private let pool: any DatabaseWriter
    public let path: String
    /// Why the store can only be read, when it can only be read.
    public let readOnly: String?

    /// Opens the file at `path`, or creates it when `create` is true.
    /// - Throws: ``ProjectError`` `.store` for a missing store (when not creating) or one that
    ///   cannot be opened, naming the file.
    public init(path: String, create: Bool = false) throws {
        self.path = path
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        if !exists && !create {
            throw ProjectError(
                code: .store,
                message: "the store is missing; only chorus init creates one (was the file moved, or chorus.yaml's database: changed?)",
                path: path)
        }
        let folder = (path as NSString).deletingLastPathComponent
        var reason: String?
        if exists && access(path, W_OK) != 0 {
            reason = "the store file is read-only"
        } else if exists && access(folder.isEmpty ? "." : folder, W_OK) != 0 {
            reason = "the project folder is read-only"
        }
        readOnly = reason
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        do {
            if reason != nil {
                config.readonly = true
                let log = (try? fm.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
                pool = try DatabaseQueue(path: log == 0 ? Self.immutableURI(path) : path, configuration: config)
            } else {
                try Self.repairSharedMemory(of: path)
                pool = try DatabasePool(path: path, configuration: config)
            }
        } catch let error as ProjectError {
            throw error
        } catch let error as DatabaseError {
            throw ProjectError(code: .store, message: "cannot open the store: \(error.message ?? "\(error.resultCode)")", path: path, cause: "\(error)")
        } catch {
            throw ProjectError(code: .store, message: "cannot open the store: \(error)", path: path, cause: "\(error)")
        }
    }

    /// A `file:` URI that opens `path` as immutable: SQLite then takes no locks and creates no files.
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// A `-shm` or `-wal` file this user cannot write beside a store it can (left by a reader
    /// under an earlier version) would make every write fail: give it the store's permissions
    /// when it is ours, else say which file is in the way.
    static func repairSharedMemory(of path: String) throws {
        var store = stat()
        guard stat(path, &store) == 0 else { return }
        for suffix in ["-shm", "-wal"] {
            let side = path + suffix
            guard access(side, F_OK) == 0, access(side, W_OK) != 0 else { continue }
            var st = stat()
            if stat(side, &st) == 0 && st.st_uid == geteuid() && chmod(side, store.st_mode & 0o777) == 0 { continue }
            throw ProjectError(code: .store, message: "cannot be written, so the store cannot be opened for writing; give it the store's permissions", path: side)
        }
    }

    /// Takes the write lock when the transaction begins (`BEGIN IMMEDIATE`): a transaction that
    /// read first and upgraded later could fail with SQLITE_BUSY_SNAPSHOT when another process
    /// wrote in between, which no busy timeout waits out.
    public func write<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        if let readOnly {
            throw ProjectError(code: .store, message: "\(readOnly), and this command changes it; it can only be read", path: path)
        }
        return try translate {
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
