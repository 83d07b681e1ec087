import Foundation

/// What a run of the real `chorus` binary printed and returned.
public struct ChorusRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs the `chorus` binary built beside the tests.
public enum ChorusProcess {
    /// Where the binary is: `CHORUS_TEST_BINARY` when set (to run the tests against another
    /// build, such as the one before a fix), next to the test bundle, or in `.build/debug`.
    public static var binary: String {
        if let given = ProcessInfo.processInfo.environment["CHORUS_TEST_BINARY"], !given.isEmpty { return given }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("chorus").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Fixtures.packageRoot + "/.build/debug/chorus"
    }

    /// `chorus-bench`, built beside `chorus`: test workers and project builders.
    public static var benchBinary: String {
        URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("chorus-bench").path
    }

    /// Runs `chorus ARGS` in `directory` with `COLUMNS=100` and no terminal, and waits for it.
    /// - Parameter executable: a program that runs chorus itself (`setpriv ... chorus`), if not chorus.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], executable: String? = nil
    ) throws -> ChorusRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "100"
        env["TERM"] = "dumb"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs so neither fills up and blocks it.
        nonisolated(unsafe) var errData = Data()
        let errDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            errDone.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errDone.wait()
        return ChorusRun(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
