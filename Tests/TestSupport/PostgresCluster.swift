import Foundation

/// A PostgreSQL server of a test's own, in a temporary folder, listening on a Unix socket there:
/// for tests that stop and start the server, which the shared one `make test` gives must not.
public final class PostgresCluster: @unchecked Sendable {
    public let folder: String
    private let bin: String

    /// Creates the cluster (initdb); it is not started.
    public init() throws {
        let found = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last
        guard let version = found else { throw TestSetupError("no PostgreSQL server here (apt-get install postgresql-15)") }
        bin = "/usr/lib/postgresql/\(version)/bin"
        folder = try Fixtures.scratch("chorus-pg")
        if geteuid() == 0 {
            chmod(folder, 0o755)
            chown(folder, Self.postgresUID, Self.postgresGID)
        }
        try run(["\(bin)/initdb", "-D", folder + "/data", "-A", "trust", "-U", "postgres", "--no-sync"])
    }

    /// A URL for `database` on this server.
    public func url(_ database: String = "postgres") -> String { "postgresql:///\(database)?host=\(folder)&user=postgres" }

    public func start() throws {
        try run(["\(bin)/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w",
                 "-o", "-k \(folder) -c listen_addresses= -c fsync=off", "start"])
    }

    public func stop() throws {
        try run(["\(bin)/pg_ctl", "-D", folder + "/data", "-m", "fast", "-w", "stop"])
    }

    deinit { try? run(["\(bin)/pg_ctl", "-D", folder + "/data", "-m", "immediate", "stop"]) }

    private static var postgresUID: uid_t { getpwnam("postgres")?.pointee.pw_uid ?? 0 }
    private static var postgresGID: gid_t { getpwnam("postgres")?.pointee.pw_gid ?? 0 }

    /// Runs a server program, as the postgres user when the tests run as root (PostgreSQL
    /// refuses root), through ``Spawn``: the server pg_ctl starts outlives the call.
    private func run(_ arguments: [String]) throws {
        let argv = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        guard try Spawn.run(argv) == 0 else { throw TestSetupError("\(arguments.joined(separator: " ")) failed (see \(folder)/server.log)") }
    }
}
