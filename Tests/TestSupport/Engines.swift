import Foundation

/// The store engines the contract tests run on.
public enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The engines to run contract tests on: SQLite always; PostgreSQL when `make test` gave a
    /// server (`CHORUS_TEST_POSTGRES_URL`), and always under CI, where a missing server fails.
    public static var testable: [Engine] {
        let env = ProcessInfo.processInfo.environment
        let given = !(env["CHORUS_TEST_POSTGRES_URL"] ?? "").isEmpty
        return given || env["CI"] == "true" ? [.sqlite, .postgres] : [.sqlite]
    }

    /// The `database` setting for a new project on this engine: nil for the default SQLite file,
    /// or the URL of a new, empty database on the PostgreSQL server `make test` starts
    /// (`CHORUS_TEST_POSTGRES_URL`).
    /// - Throws: when PostgreSQL is wanted and no server was given: under CI (`CI=true`) the
    ///   test must fail, not skip; elsewhere ``EngineUnavailable``, which callers may pass over.
    public func database() throws -> String? {
        guard self == .postgres else { return nil }
        let env = ProcessInfo.processInfo.environment
        guard let admin = env["CHORUS_TEST_POSTGRES_URL"], !admin.isEmpty else {
            if env["CI"] == "true" { throw TestSetupError("CHORUS_TEST_POSTGRES_URL is not set under CI: run the tests through `make test`") }
            throw EngineUnavailable()
        }
        let name = "chorus_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [admin, "-qAtc", "CREATE DATABASE \(name)"]
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw TestSetupError("cannot create a test database on \(admin)") }
        guard var url = URLComponents(string: admin) else { throw TestSetupError("bad CHORUS_TEST_POSTGRES_URL: \(admin)") }
        url.path = "/" + name
        return url.string
    }
}

/// PostgreSQL was not given to this test run (outside CI).
public struct EngineUnavailable: Error {}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
