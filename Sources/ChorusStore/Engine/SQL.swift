/// A value passed to or read from the store, the same for every engine.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var int: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var double: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
    public var string: String? { if case .text(let v) = self { v } else { nil } }
}

/// One result row, by column name. Store code reads it only through the typed reads below,
/// with columns named once (``TableColumns``, a record's `Columns`, ``Computed``).
public struct SQLRow: Sendable {
    public var values: [String: SQLValue]

    /// The value of a column as it is, which must be there.
    public func value<C: RawRepresentable>(_ column: C) throws -> SQLValue where C.RawValue == String { try present(column) }

    /// Typed reads that throw when a column is missing or holds another type, so a misspelt
    /// column or a schema the code does not expect is an error, never a silent 0. Columns are
    /// named once, in a record's `enum Columns: String`.
    public func int<C: RawRepresentable>(_ column: C) throws -> Int64 where C.RawValue == String {
        guard let v = try present(column).int else { throw mistyped(column, "an integer") }
        return v
    }
    public func double<C: RawRepresentable>(_ column: C) throws -> Double where C.RawValue == String {
        guard let v = try present(column).double else { throw mistyped(column, "a number") }
        return v
    }
    public func string<C: RawRepresentable>(_ column: C) throws -> String where C.RawValue == String {
        guard let v = try present(column).string else { throw mistyped(column, "text") }
        return v
    }
    /// A 0/1 column.
    public func bool<C: RawRepresentable>(_ column: C) throws -> Bool where C.RawValue == String { try int(column) != 0 }
    /// The same for a column that may be NULL.
    public func optionalInt<C: RawRepresentable>(_ column: C) throws -> Int64? where C.RawValue == String {
        let v = try present(column)
        if v == .null { return nil }
        guard let n = v.int else { throw mistyped(column, "an integer") }
        return n
    }
    public func optionalDouble<C: RawRepresentable>(_ column: C) throws -> Double? where C.RawValue == String {
        let v = try present(column)
        if v == .null { return nil }
        guard let n = v.double else { throw mistyped(column, "a number") }
        return n
    }
    public func optionalString<C: RawRepresentable>(_ column: C) throws -> String? where C.RawValue == String {
        let v = try present(column)
        if v == .null { return nil }
        guard let n = v.string else { throw mistyped(column, "text") }
        return n
    }

    private func present<C: RawRepresentable>(_ column: C) throws -> SQLValue where C.RawValue == String {
        guard let v = values[column.rawValue] else {
            throw ProjectError(code: .store, message: "the store's row has no column '\(column.rawValue)' (a schema this chorus does not expect)")
        }
        return v
    }

    private func mistyped<C: RawRepresentable>(_ column: C, _ type: String) -> ProjectError where C.RawValue == String {
        ProjectError(code: .store, message: "the store's column '\(column.rawValue)' does not hold \(type)")
    }
}

/// What store code runs SQL through, inside one transaction. SQL is written once with `?`
/// placeholders; each engine adapts it.
public protocol SQLConnection {
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    /// Runs a query and returns its rows.
    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
    /// The id the last insert gave its row.
    func lastInsertedID() throws -> Int64
}

extension SQLConnection {
    public func execute(_ sql: String) throws { try execute(sql, []) }
    public func query(_ sql: String) throws -> [SQLRow] { try query(sql, []) }
}

/// The SQL differences between engines that schema text needs, as placeholders:
/// `{pk}` an auto-numbered primary key, `{real}` a double-precision column.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The UTC calendar day (YYYY-MM-DD) of a column holding seconds since 1970.
    public func day(of column: String) -> String {
        switch self {
        case .sqlite: "date(\(column), 'unixepoch')"
        case .postgres: "to_char(to_timestamp(\(column)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        }
    }

    /// The smaller of two values (SQLite's two-argument MIN is PostgreSQL's LEAST).
    public func least(_ a: String, _ b: String) -> String { self == .sqlite ? "MIN(\(a), \(b))" : "LEAST(\(a), \(b))" }

    /// The larger of two values.
    public func greatest(_ a: String, _ b: String) -> String { self == .sqlite ? "MAX(\(a), \(b))" : "GREATEST(\(a), \(b))" }

    /// What a SELECT over one table ends with to lock the rows it returns while passing over
    /// rows other transactions hold. SQLite needs nothing: a write transaction holds the whole database.
    public var skipLocked: String { self == .sqlite ? "" : " FOR UPDATE SKIP LOCKED" }

    /// A statement that locks one row of `table` until the transaction ends, serialising work
    /// on it (settling a segment); nil where the transaction already holds everything.
    public func lockRow(of table: String) -> String? { self == .sqlite ? nil : "SELECT 1 FROM \(table) WHERE id = ? FOR UPDATE" }

    /// `sql` with this dialect's words in place of the placeholders.
    public func render(_ sql: String) -> String {
        switch self {
        case .sqlite:
            sql.replacingOccurrences(of: "{pk}", with: "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replacingOccurrences(of: "{real}", with: "REAL")
        case .postgres:
            sql.replacingOccurrences(of: "{pk}", with: "BIGSERIAL PRIMARY KEY")
                .replacingOccurrences(of: "{real}", with: "DOUBLE PRECISION")
        }
    }
}

/// A database engine: transactions for writing and reading.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one write transaction: all of it is kept, or none of it if it throws.
    func write<T>(_ body: (SQLConnection) throws -> T) throws -> T
    /// Runs `body` with a consistent view for reading.
    func read<T>(_ body: (SQLConnection) throws -> T) throws -> T
    /// Runs `body`, one statement, as cheaply as the engine allows (PostgreSQL: without an
    /// explicit transaction, one round trip); `read` or `write` where that is the same.
    func single<T>(readOnly: Bool, _ body: (SQLConnection) throws -> T) throws -> T
}

extension SQLDatabase {
    public func single<T>(readOnly: Bool, _ body: (SQLConnection) throws -> T) throws -> T {
        readOnly ? try read(body) : try write(body)
    }
}
