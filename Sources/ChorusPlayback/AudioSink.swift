import Foundation

/// Where playback goes: a sound device, an external player's standard input, or nowhere.
/// Called from the player's own thread only.
public protocol AudioSink: AnyObject {
    /// What the screen calls it: "ALSA default", "no sound device (ALSA 'default': ...)".
    var name: String { get }
    /// False for the null sink: the screen says nothing is audible.
    var audible: Bool { get }
    /// Plays interleaved samples, returning once they are queued (at most a few tens of
    /// milliseconds ahead of the speaker).
    func write(_ samples: [Float]) throws
    /// Frames written but not yet heard.
    var queuedFrames: Int { get }
    /// Throws away what is queued, for an immediate pause or seek.
    func drop()
    /// Lets what is queued play out, then closes: when the player shuts down.
    func drain()
}

/// The sink for machines without sound (servers, containers, tests): keeps real time, so the
/// playhead and every timing behave as with a device, but plays nothing.
public final class NullSink: AudioSink {
    public let name: String
    public let audible = false
    let clock: PacedClock

    public init(rate: Int, channels: Int, reason: String) {
        name = reason
        clock = PacedClock(rate: rate, channels: channels)
    }

    public func write(_ samples: [Float]) throws { clock.pace(samples.count) }
    public var queuedFrames: Int { clock.queuedFrames }
    public func drop() { clock.reset() }
    public func drain() { clock.reset() }
}

/// Keeps a writer at most `lead` seconds ahead of real time.
final class PacedClock {
    let rate: Int, channels: Int
    let lead: Double
    private var playedUntil: Double = 0

    init(rate: Int, channels: Int, lead: Double = 0.06) {
        self.rate = max(1, rate)
        self.channels = max(1, channels)
        self.lead = lead
    }

    func pace(_ samples: Int) {
        let now = Self.now()
        playedUntil = max(playedUntil, now) + Double(samples / channels) / Double(rate)
        let wait = playedUntil - lead - now
        if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
    }

    var queuedFrames: Int { Int(max(0, playedUntil - Self.now()) * Double(rate)) }
    func reset() { playedUntil = 0 }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Streams raw 32-bit float samples to an external player's standard input, for machines
/// where ALSA is not the way to the speakers (PulseAudio or PipeWire only, a remote session):
/// `pacat --raw --format=float32le --rate={rate} --channels={channels}`,
/// `sox -q -t f32 -r {rate} -c {channels} - -d`. The command is started on the first write
/// and stopped on ``drop()``, so pausing is immediate.
public final class CommandSink: AudioSink {
    public let name: String
    public let audible = true
    let command: String
    let clock: PacedClock
    private var process: Process?
    private var input: FileHandle?
    private var errors: Pipe?

    /// - Parameter template: a shell command; `{rate}` and `{channels}` are filled in.
    public init(template: String, rate: Int, channels: Int) {
        command = template.replacingOccurrences(of: "{rate}", with: String(rate)).replacingOccurrences(of: "{channels}", with: String(channels))
        name = "player: \(template.split(separator: " ").first.map(String.init) ?? template)"
        clock = PacedClock(rate: rate, channels: channels)
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { drop() }

    public func write(_ samples: [Float]) throws {
        if process == nil {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", command]
            let pipe = Pipe(), errors = Pipe()
            p.standardInput = pipe
            p.standardOutput = FileHandle.nullDevice
            p.standardError = errors
            try p.run()
            process = p
            input = pipe.fileHandleForWriting
            self.errors = errors
        }
        clock.pace(samples.count)
        let data = samples.withUnsafeBufferPointer { Data(buffer: $0) }
        do {
            try input?.write(contentsOf: data)
        } catch {
            throw PlaybackError(failure())
        }
    }

    /// Why the player stopped taking samples, in one line: its exit status and the first line
    /// it wrote to standard error ("sh: 1: nosuchplayer: not found").
    func failure() -> String {
        guard let process else { return "the player command stopped" }
        let deadline = Date().addingTimeInterval(0.5)
        while process.isRunning && Date() < deadline { usleep(5000) }
        var said = ""
        if let fd = errors?.fileHandleForReading.fileDescriptor {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var buffer = [UInt8](repeating: 0, count: 1024)
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                said = String(decoding: buffer[0..<n], as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            }
        }
        let status = process.isRunning ? "stopped reading" : "exited with status \(process.terminationStatus)"
        let line = said.isEmpty ? status : "\(status): \(said.trimmingCharacters(in: .whitespaces))"
        return String(line.prefix(160))
    }

    public var queuedFrames: Int { clock.queuedFrames }

    public func drop() {
        try? input?.close()
        if let process, process.isRunning { process.terminate() }
        process?.waitUntilExit()
        process = nil
        input = nil
        try? errors?.fileHandleForReading.close()
        errors = nil
        clock.reset()
    }

    /// Closes the player's input and gives it a second to finish before stopping it.
    public func drain() {
        try? input?.close()
        input = nil
        let deadline = Date().addingTimeInterval(1)
        while let process, process.isRunning, Date() < deadline { usleep(5000) }
        drop()
    }
}
