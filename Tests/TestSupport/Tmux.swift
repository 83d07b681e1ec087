import Foundation

/// A program running in a real pseudo-terminal, inside a private tmux server: keys go in
/// with `send-keys`, the screen comes back rendered with `capture-pane`, as a person sees it.
public final class TmuxScreen {
    public let socket: String
    public let columns: Int
    public let rows: Int
    private let config: String

    /// Starts `shellCommand` (run by `sh -c`) in a new `columns`×`rows` terminal.
    public init(_ shellCommand: String, columns: Int = 100, rows: Int = 30, environment: [String: String] = [:]) throws {
        socket = "chorus-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The pane stays after the program exits, so its last screen and status can be read.
        config = NSTemporaryDirectory() + "/\(socket).conf"
        try "set -g remain-on-exit on\nset -g history-limit 100\n".write(toFile: config, atomically: true, encoding: .utf8)
        self.columns = columns
        self.rows = rows
        var args = ["new-session", "-d", "-x", String(columns), "-y", String(rows)]
        for (k, v) in environment { args += ["-e", "\(k)=\(v)"] }
        args.append(shellCommand)
        // The server this starts outlives the call: it must not inherit a pipe we read to its end.
        try tmux(args, output: false)
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: config)
    }

    /// Types `text` literally.
    public func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    /// Presses keys by tmux's names: `Enter`, `Tab`, `C-s`, `C-Up`, `M-2`, `F10`.
    public func press(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    /// The screen as plain text, one line per row.
    public func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

    /// Waits until the screen shows `text`, and returns the screen.
    /// - Throws: ``TestSetupError`` with the last screen when it does not appear within `timeout` seconds.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 15) throws -> String {
        try waitUntil("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until `condition` holds for the screen.
    @discardableResult
    public func waitUntil(_ what: String, timeout: Double = 15, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            usleep(50_000)
        }
        throw TestSetupError("the screen did not show \(what) within \(timeout) s; it shows:\n\(last)")
    }

    /// The process id of the program in the pane (the shell runs it with `exec`).
    public func pid() throws -> pid_t {
        pid_t(try tmux(["list-panes", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// True once the program in the pane has exited.
    public func exited() throws -> Bool {
        try tmux(["list-panes", "-F", "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Waits for the program to exit.
    public func waitForExit(timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try exited() { return }
            usleep(50_000)
        }
        throw TestSetupError("the program did not exit within \(timeout) s; the screen shows:\n\(try screen())")
    }

    /// Runs tmux (through ``Spawn``: the tmux server outlives the call).
    @discardableResult
    private func tmux(_ arguments: [String], output: Bool = true) throws -> String {
        let outPath = NSTemporaryDirectory() + "/\(socket)-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outPath) }
        let status = try Spawn.run(["tmux", "-L", socket, "-f", config] + arguments, output: output ? outPath : nil)
        guard status == 0 else { throw TestSetupError("tmux \(arguments.first ?? "") failed with status \(status)") }
        return output ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
    }
}

extension TmuxScreen {
    /// Reads past the project's pay terms (shown before the first task; its screen ignores keys
    /// for its first half second) to the first segment.
    public func acceptTerms() throws {
        _ = try waitFor("I have read this")
        Thread.sleep(forTimeInterval: 0.6)
        try press("Enter")
        _ = try waitFor("Segment ")
    }
}
