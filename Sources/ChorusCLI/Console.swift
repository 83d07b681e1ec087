import ChorusIngest
import ChorusStore
import ChorusSupport
import Foundation

/// Where the CLI writes for people and for scripts. Decides once whether standard error is a
/// terminal that can show a progress bar (not when `TERM=dumb`, not when it is a pipe or file).
struct Console {
    let stderrIsTerminal: Bool
    /// `--verbose` was given: errors are followed by their cause.
    nonisolated(unsafe) static var verbose = false

    init() {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        stderrIsTerminal = StderrFilter.isTerminal && term != "dumb" && !term.isEmpty
    }

    /// Writes a line to standard error.
    func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `chorus: error: ...` on standard error, on one line whatever the names in it hold.
    func error(_ line: String) { note("chorus: error: \(OneLine.escape(line))") }

    /// `chorus: warning: ...` on standard error, on one line.
    func warning(_ line: String) { note("chorus: warning: \(OneLine.escape(line))") }
}

/// A one-line progress bar on standard error, redrawn in place; silent when not on a terminal.
final class ProgressBar {
    private let enabled: Bool
    private let total: Int
    private let label: String
    private var lastDraw: Double = 0
    private let started = Date()

    init(console: Console, total: Int, label: String, enabled: Bool = true) {
        self.enabled = enabled && console.stderrIsTerminal && total > 1
        self.total = total
        self.label = label
    }

    func update(done: Int, detail: String = "") {
        guard enabled else { return }
        let now = Date().timeIntervalSince(started)
        guard done == total || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var eta = ""
        if done > 0 && done < total {
            let remaining = now / Double(done) * Double(total - done)
            eta = " ETA \(Int(remaining.rounded()))s"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(bar) \(done)/\(total)\(detail)\(eta)".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Text written to a temporary name beside `path` and renamed into place by ``commit()``;
/// removed if never committed, so a failed run never leaves half a file. A device, pipe or
/// descriptor (`/dev/null`, `/dev/stdout`, a FIFO) is written in place, and a symbolic link's
/// target is replaced, the link kept (see ``Replacement``).
final class AtomicTextFile {
    let path: String
    private let replacement: Replacement?
    private var file: UnsafeMutablePointer<FILE>?

    private init(stream: UnsafeMutablePointer<FILE>) {
        path = "standard output"
        replacement = nil
        file = stream
    }

    /// Standard output through a stdio buffer of its own; ``commit()`` flushes it. Nothing to rename.
    static func standardOutput() throws -> AtomicTextFile {
        guard let stream = fdopen(STDOUT_FILENO, "w") else {
            throw CLIError("standard output: \(String(cString: strerror(errno)))")
        }
        return AtomicTextFile(stream: stream)
    }

    /// `--out`'s file, or standard output when there is none or it is `-` (the usual spelling).
    static func open(_ out: String?, inputs: [String] = []) throws -> AtomicTextFile {
        guard let out, !isStandardOutput(out) else { return try standardOutput() }
        return try AtomicTextFile(path: out, inputs: inputs)
    }

    /// Whether an `--out` value means standard output.
    static func isStandardOutput(_ out: String?) -> Bool { out == nil || out == "-" }

    /// - Parameter inputs: what the same run reads; the output may not replace any of them.
    init(path: String, inputs: [String] = []) throws {
        self.path = path
        let replacement = try Replacement(path: path)
        if let input = replacement.replaces(anyOf: inputs) {
            let what = input == path ? "a file this run reads" : "the same file as \(input), which this run reads"
            throw CLIError("is \(what): writing the output there would destroy it; choose another file", location: path)
        }
        self.replacement = replacement
        // In place: appending, neither created nor truncated (a FIFO waits for its reader here).
        guard let f = fopen(replacement.writePath, replacement.inPlace ? "a" : "w") else {
            throw CLIError("\(path): cannot create: \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit {
        if let file, let replacement {
            fclose(file)
            replacement.discard()
        }
    }

    func write(_ text: String) throws {
        guard let file else { return }
        if fputs(text, file) < 0 { throw CLIError("\(path): write failed: \(String(cString: strerror(errno)))") }
    }

    func commit() throws {
        guard let replacement else {
            if let file, fflush(file) != 0 { throw CLIError("standard output: write failed: \(String(cString: strerror(errno)))") }
            return
        }
        guard let f = file else { return }
        file = nil
        // A device or pipe cannot be synced (fsync fails with EINVAL): only flushed.
        let flushed = fflush(f) == 0 && (replacement.inPlace || fsync(fileno(f)) == 0)
        let closed = fclose(f) == 0
        guard flushed && closed else {
            replacement.discard()
            throw CLIError("\(path): write failed: \(String(cString: strerror(errno)))")
        }
        try replacement.commit()
    }
}

/// An error the CLI reports as one line.
/// A problem the command layer itself finds (a file it cannot read, an option that does not
/// fit the project), in the same shape as the modules' errors.
struct CLIError: ChorusError {
    var message: String
    var location: String?
    var underlying: (any Error & Sendable)?
    var errorCode: String { "command" }

    init(_ message: String, location: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.message = message
        self.location = location
        self.underlying = underlying
    }
}

/// A JSON string literal, for the few JSON objects the commands print by hand.
func jsonString(_ s: String) -> String { SegmentManifest.jsonString(s) }

/// One JSON object on one line, keys sorted.
func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
