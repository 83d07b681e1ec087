import ChorusSupport
#if canImport(Glibc)
import Glibc
#endif

// The terminal settings to put back, reachable from a signal handler.
nonisolated(unsafe) private var savedSettings = termios()
nonisolated(unsafe) private var savedFD: Int32 = -1
nonisolated(unsafe) private var signalWriteFD: Int32 = -1
private let restoreSequence = Array("\u{1B}[?2004l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)

/// Puts the terminal back as it was: async-signal-safe (`tcsetattr` and `write` only).
private func restoreTerminal() {
    guard savedFD >= 0 else { return }
    _ = restoreSequence.withUnsafeBufferPointer { write(savedFD, $0.baseAddress, $0.count) }
    tcsetattr(savedFD, TCSAFLUSH, &savedSettings)
}

/// The terminal in raw mode on the alternate screen, entered in one place and left on every
/// way out: ``leave()`` on a normal exit; on SIGINT, SIGTERM, SIGHUP and SIGQUIT the signal is
/// handed to the loop through ``signals`` so it can save work before leaving; on a crash
/// (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE) the settings are put back before the
/// process dies. Only SIGKILL and a power cut leave it raw, and the work is in the store.
public final class RawTerminal {
    public let input: Int32
    public let output: Int32
    /// Readable whenever a signal arrived; each byte is one signal number.
    public let signals: Int32
    private var active = false

    /// Enters raw mode.
    /// - Throws: ``TerminalError`` when `input` is not a terminal.
    public init(input: Int32 = 0, output: Int32 = 1) throws {
        self.input = input
        self.output = output
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw TerminalError("standard input and output must be a terminal for this command")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TerminalError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        signals = fds[0]
        signalWriteFD = fds[1]
        guard tcgetattr(input, &savedSettings) == 0 else { throw TerminalError("cannot read the terminal settings") }
        savedFD = input
        var raw = savedSettings
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCONT] {
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = Glibc.write(signalWriteFD, &byte, 1)
            }
        }
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig) { number in
                restoreTerminal()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
        signal(SIGPIPE, SIG_IGN)
        // A parent may have left these blocked (the mask is inherited): they must reach us.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCONT] { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw TerminalError("cannot switch the terminal to raw mode") }
        active = true
        // Alternate screen, bracketed paste.
        write("\u{1B}[?1049h\u{1B}[?2004h\u{1B}[H\u{1B}[2J")
    }

    deinit { leave() }

    /// Leaves raw mode and the alternate screen, showing the cursor. Safe to call twice.
    public func leave() {
        guard active else { return }
        active = false
        restoreTerminal()
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCONT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig, SIG_DFL)
        }
        savedFD = -1
    }

    /// Puts raw mode back after a suspend (SIGCONT) or anything else that changed the settings.
    public func reenter() {
        var raw = termios()
        guard tcgetattr(input, &raw) == 0 else { return }
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        tcsetattr(input, TCSAFLUSH, &raw)
    }

    /// Rows and columns (`TIOCGWINSZ`); 24×80 when the terminal does not say.
    public var size: (rows: Int, columns: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_row > 0, ws.ws_col > 0 {
            return (Int(ws.ws_row), Int(ws.ws_col))
        }
        return (24, 80)
    }

    /// Writes all of `text`; false when the terminal is gone (hung up).
    @discardableResult
    public func write(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Waits up to `timeout` seconds for keys or a signal.
    /// - Returns: bytes read from the terminal (empty on timeout), signals that arrived, and
    ///   whether the terminal has gone away (end of file or an error: a closed window).
    public func wait(timeout: Double) -> (bytes: [UInt8], signals: [Int32], hungUp: Bool) {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
        let rc = poll(&fds, 2, Int32(timeout * 1000))
        guard rc > 0 else { return ([], [], false) }
        var caught: [Int32] = []
        if fds[1].revents & Int16(POLLIN) != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = read(signals, &buffer, buffer.count)
            if n > 0 { caught = buffer.prefix(n).map { Int32($0) } }
        }
        var bytes: [UInt8] = []
        var hungUp = false
        if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(input, &buffer, buffer.count)
            if n > 0 { bytes = Array(buffer.prefix(n)) } else if n == 0 || (errno != EINTR && errno != EAGAIN) { hungUp = true }
        }
        return (bytes, caught, hungUp)
    }
}

/// A terminal that cannot be used as one.
/// The terminal or the loop's settings cannot work: no terminal, a key setting, a draft command.
public struct TerminalError: ChorusError {
    public var message: String
    /// The settings file or setting it concerns.
    public var location: String?
    public var underlying: (any Error & Sendable)?
    public var errorCode: String { "terminal" }

    public init(_ message: String, location: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.message = message
        self.location = location
        self.underlying = underlying
    }

    init(location: String, _ message: String) { self.init(message, location: location) }
}
