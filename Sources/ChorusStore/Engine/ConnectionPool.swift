import Foundation

/// Several PostgreSQL connections behind one ``SQLDatabase``: each transaction takes a free
/// connection (waiting when all are busy) and gives it back, so a server runs that many
/// transactions at once instead of queueing them on one connection. Connections are opened
/// when first needed.
public final class ConnectionPool: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    private let url: String
    private let size: Int
    private let condition = NSCondition()
    private var free: [PostgresDatabase] = []
    private var opened = 0

    /// - Parameter first: a connection already open (it is the pool's first).
    public init(url: String, size: Int, first: PostgresDatabase? = nil) {
        self.url = url
        self.size = max(1, size)
        if let first {
            free = [first]
            opened = 1
        }
    }

    public func write<T>(_ body: (SQLConnection) throws -> T) throws -> T { try with { try $0.write(body) } }
    public func read<T>(_ body: (SQLConnection) throws -> T) throws -> T { try with { try $0.read(body) } }
    public func single<T>(readOnly: Bool, _ body: (SQLConnection) throws -> T) throws -> T { try with { try $0.single(readOnly: readOnly, body) } }

    private func with<T>(_ body: (PostgresDatabase) throws -> T) throws -> T {
        let connection = try take()
        defer { give(connection) }
        return try body(connection)
    }

    private func take() throws -> PostgresDatabase {
        condition.lock()
        while free.isEmpty && opened >= size { condition.wait() }
        if let connection = free.popLast() {
            condition.unlock()
            return connection
        }
        opened += 1
        condition.unlock()
        do {
            return try PostgresDatabase(url: url)
        } catch {
            condition.lock()
            opened -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func give(_ connection: PostgresDatabase) {
        condition.lock()
        free.append(connection)
        condition.signal()
        condition.unlock()
    }
}
