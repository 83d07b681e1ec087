import Foundation

/// Runs a program with posix_spawn and waitpid. Foundation's Process is not used for programs
/// that leave a server behind (tmux, pg_ctl): the server outlives the call and keeps what it
/// inherited open, which Foundation waits on. Output goes to a file, never a pipe, for the same
/// reason. The program starts with no signals blocked, as from a shell (the test runner blocks some).
public enum Spawn {
    /// - Parameter output: a file for standard output, or nil for /dev/null.
    /// - Returns: the wait status (0 when it exited with 0).
    @discardableResult
    public static func run(_ argv: [String], output: String? = nil) throws -> Int32 {
        let pid = try start(argv, output: output ?? "/dev/null", errors: "/dev/null")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Starts `argv` with standard output and error to files (truncated), input from
    /// /dev/null, no signals blocked; `environment` added to this process's.
    /// - Returns: its process id.
    public static func start(_ argv: [String], output: String, errors: String, environment: [String: String] = [:]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cenv { free(p) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, &cargs, &cenv)
        guard rc == 0 else { throw TestSetupError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }
}
