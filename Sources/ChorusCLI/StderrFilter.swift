import Foundation

/// Keeps C libraries' own diagnostics off standard error. libmpg123, inside libsndfile, prints
/// lines such as `[src/libmpg123/layer3.c:INT123_do_layer3():1771] error: part2_3_length ...`
/// when a seek lands inside its bit reservoir, though the samples it returns are right; real
/// decode errors reach us as libsndfile's return codes and are reported our way.
///
/// Everything written to file descriptor 2 (by us, by libraries, by child processes) passes
/// through a pipe to a relay thread, which forwards it at once, except lines shaped like a C
/// source location in brackets (`[file.c:...]`), which it drops.
enum StderrFilter {
    nonisolated(unsafe) private static var realFD: Int32 = -1
    private static let done = DispatchSemaphore(value: 0)

    /// Whether the real standard error is a terminal (fd 2 itself is the pipe once installed).
    nonisolated(unsafe) static var isTerminal = isatty(STDERR_FILENO) == 1

    /// Puts the filter in place for the rest of the process; restored and drained at exit.
    static func install() {
        var fds: [Int32] = [0, 0]
        guard realFD < 0, pipe(&fds) == 0 else { return }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0 else { close(fds[0]); close(fds[1]); return }
        _ = fcntl(saved, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        isTerminal = isatty(saved) == 1
        realFD = saved
        dup2(fds[1], STDERR_FILENO)
        close(fds[1])
        let reader = fds[0]
        let thread = Thread { relay(from: reader, to: saved); done.signal() }
        thread.start()
        atexit { StderrFilter.finish() }
    }

    /// Puts the real standard error back and waits (a moment at most) for what is in the pipe.
    static func finish() {
        guard realFD >= 0 else { return }
        let fd = realFD
        realFD = -1
        // Closes the pipe's last writer (unless a child process still holds it).
        dup2(fd, STDERR_FILENO)
        _ = done.wait(timeout: .now() + 1)
    }

    /// Whether a line is a C library's diagnostic: `[path/file.c:...]` at its start.
    static func isLibraryNoise<S: Collection>(_ line: S) -> Bool where S.Element == UInt8 {
        guard line.first == UInt8(ascii: "["), let close = line.firstIndex(of: UInt8(ascii: "]")) else { return false }
        let inside = String(decoding: line[line.index(after: line.startIndex)..<close], as: UTF8.self)
        return inside.range(of: #"^[^\s\]]+\.(c|cc|cpp|h):"#, options: .regularExpression) != nil
    }

    private static func relay(from reader: Int32, to writer: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var held: [UInt8]?
        var lineStart = true
        func emit(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
        while true {
            let n = read(reader, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var out: [UInt8] = []
            for byte in buffer[0..<n] {
                if held == nil && lineStart && byte == UInt8(ascii: "[") { held = [] }
                if held != nil {
                    held!.append(byte)
                    if byte == UInt8(ascii: "\n") {
                        if !isLibraryNoise(held!) { out += held! }
                        held = nil
                    } else if held!.count > 2048 {
                        out += held!
                        held = nil
                    }
                } else {
                    out.append(byte)
                }
                lineStart = byte == UInt8(ascii: "\n")
            }
            emit(out)
        }
        if let held { emit(held) }
        close(reader)
    }
}

/// Text made safe for one line of a message: control characters (a newline or a tab in a file
/// name, an escape sequence) are shown as escapes instead of acting on the terminal.
enum OneLine {
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard scalar.properties.generalCategory == .control else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out += String(format: "\\x%02X", scalar.value)
            }
        }
        return out
    }
}
