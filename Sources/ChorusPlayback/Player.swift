import Foundation

/// Where a player sends its sound.
public enum SinkChoice: Sendable, Equatable {
    /// ALSA's default device, or silence (and a note on screen) when there is none.
    case automatic
    /// A named ALSA device, such as `default` or `hw:1,0`.
    case alsa(String)
    /// An external command reading raw float samples on standard input (see ``CommandSink``).
    case command(String)
    /// Nothing: for tests and headless machines.
    case null
}

/// What the screen shows of playback.
public struct PlayerStatus: Sendable, Equatable {
    /// Seconds into the clip of what is being heard now.
    public var position: Double
    public var duration: Double
    public var playing: Bool
    /// Playback rate: 1 is normal; 0.5 to 1.5.
    public var speed: Double
    /// The looped stretch in seconds, or the start of one being marked.
    public var loop: ClosedRange<Double>?
    public var loopStart: Double?
    /// The sink's name; ``audible`` is false when nothing can be heard.
    public var sink: String
    public var audible: Bool
    /// When the clip's first samples reached the sink (seconds on the monotonic clock of
    /// ``Player/now()``), once they have.
    public var startedAt: Double?
}

/// Plays one clip at a time on its own thread, so the keyboard is never kept waiting: every
/// call here only changes the wanted state and returns at once.
public final class Player: @unchecked Sendable {
    public static let speeds = 0.5...1.5

    private let choice: SinkChoice
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var clip: AudioClip?
    private var position = 0.0  // source frames of the next sample handed to the sink
    private var playing = false
    private var speed = 1.0
    private var loop: (Int, Int)?
    private var loopStart: Double?
    /// Where playback stops on its own (a stretch played once), in source frames.
    private var stopAt: Int?
    private var generation = 0
    private var startedAt: Double?
    private var sinkName = "starting"
    private var sinkAudible = true
    private var sinkQueued = 0
    private var stopping = false
    private var thread: Thread?

    public init(sink: SinkChoice) {
        choice = sink
        // The thread holds the player until ``shutdown()``.
        let thread = Thread { self.run() }
        thread.name = "chorus-playback"
        self.thread = thread
        thread.start()
    }

    /// Seconds on the monotonic clock the player's timestamps use.
    public static func now() -> Double { PacedClock.now() }

    /// Stops the thread (letting queued sound play out); the player cannot be used after
    /// this. Must be called: the thread keeps the player alive until then. Safe to call twice.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        while thread?.isFinished == false { usleep(1000) }
    }

    // MARK: Commands

    /// Puts a clip in the player, from its start; plays it at once when `play` is true.
    public func load(_ clip: AudioClip?, play: Bool = true) {
        change {
            self.clip = clip
            position = 0
            loop = nil
            loopStart = nil
            stopAt = nil
            playing = play && clip != nil
            startedAt = nil
        }
    }

    /// Plays from where it is; after a pause, backs up `rewind` seconds first.
    public func resume(rewind: Double = 0) {
        change {
            guard let clip, !playing else { return }
            if position >= Double(clip.frames) { position = 0 }
            position = max(0, position - rewind * Double(clip.sampleRate))
            playing = true
        }
    }

    public func pause() {
        change {
            guard playing else { return }
            position = heardPosition()
            playing = false
        }
    }

    /// Pauses when playing, resumes (backing up `rewind` seconds) when paused.
    public func toggle(rewind: Double = 0) {
        condition.lock()
        let wasPlaying = playing
        condition.unlock()
        if wasPlaying { pause() } else { resume(rewind: rewind) }
    }

    /// Plays from the start of the clip (or of the loop).
    public func replay() {
        change {
            guard clip != nil else { return }
            position = Double(loop?.0 ?? 0)
            stopAt = nil
            playing = true
        }
    }

    /// Plays the stretch from `from` to `to` seconds of the clip once (to its end when `to` is
    /// nil), then stops: hearing a boundary where it now is.
    public func play(from: Double, to: Double? = nil) {
        change {
            guard let clip else { return }
            let rate = Double(clip.sampleRate)
            loop = nil
            loopStart = nil
            position = min(Double(clip.frames), max(0, from * rate))
            stopAt = to.map { min(clip.frames, max(Int(position), Int($0 * rate))) }
            playing = position < Double(clip.frames)
        }
    }

    /// Moves the playhead by `seconds` (negative to rewind), within the clip.
    public func seek(by seconds: Double) {
        change {
            guard let clip else { return }
            let from = playing ? heardPosition() : position
            position = min(Double(clip.frames), max(0, from + seconds * Double(clip.sampleRate)))
            if position >= Double(clip.frames) { playing = false }
        }
    }

    /// Sets the speed, kept within 0.5 to 1.5; the pitch stays.
    public func setSpeed(_ value: Double) {
        change {
            if playing { position = heardPosition() }
            speed = min(Self.speeds.upperBound, max(Self.speeds.lowerBound, (value * 20).rounded() / 20))
        }
    }

    /// First call marks the start of a loop at the playhead, the second closes it and plays
    /// it over and over, the third ends the loop.
    public func markLoop() {
        change {
            guard let clip else { return }
            let here = playing ? heardPosition() : position
            if loop != nil {
                loop = nil
                loopStart = nil
            } else if let startFrame = loopStart.map({ $0 * Double(clip.sampleRate) }) {
                let a = Int(min(startFrame, here)), b = Int(max(startFrame, here))
                if b - a > clip.sampleRate / 10 {
                    loop = (a, b)
                    position = Double(a)
                    playing = true
                }
                loopStart = nil
            } else {
                loopStart = here / Double(clip.sampleRate)
            }
        }
    }

    public var status: PlayerStatus {
        condition.lock()
        defer { condition.unlock() }
        let rate = Double(clip?.sampleRate ?? 1)
        let here = playing ? heardPosition() : position
        return PlayerStatus(
            position: min(clip?.duration ?? 0, here / rate), duration: clip?.duration ?? 0, playing: playing, speed: speed,
            loop: loop.map { Double($0.0) / rate...Double($0.1) / rate }, loopStart: loopStart,
            sink: sinkName, audible: sinkAudible, startedAt: startedAt)
    }

    // MARK: The playback thread

    private func change(_ body: () -> Void) {
        condition.lock()
        body()
        generation += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Source frame being heard now: what was handed over minus what the sink still holds. Lock held.
    private func heardPosition() -> Double {
        max(Double(loop?.0 ?? 0), position - Double(sinkQueued) * speed)
    }

    private func run() {
        var sink: AudioSink?
        var format = (0, 0)
        var stretcher: TimeStretcher?
        var seen = -1
        while true {
            condition.lock()
            while !stopping && (!playing || clip == nil) {
                if seen != generation { sink?.drop(); seen = generation; sinkQueued = 0 }
                condition.wait()
            }
            if stopping {
                condition.unlock()
                break
            }
            guard let clip else { condition.unlock(); continue }
            if (clip.sampleRate, clip.channels) != format || sink == nil {
                sink?.drop()
                sink = openSink(rate: clip.sampleRate, channels: clip.channels)
                format = (clip.sampleRate, clip.channels)
                sinkName = sink?.name ?? "none"
                sinkAudible = sink?.audible ?? false
                stretcher = TimeStretcher(sampleRate: clip.sampleRate, channels: clip.channels)
            }
            if seen != generation {
                sink?.drop()
                stretcher?.reset()
                seen = generation
            }
            // One hop of output.
            let hop = stretcher?.hop ?? 512
            let chunk: [Float]
            let at = Int(position)
            if speed == 1 {
                let end = min(clip.frames, at + hop, loop?.1 ?? Int.max, stopAt ?? Int.max)
                chunk = at < end ? Array(clip.samples[(at * clip.channels)..<(end * clip.channels)]) : []
                position = Double(end)
            } else {
                chunk = stretcher?.next(from: clip.samples, at: at) ?? []
                position += Double(hop) * speed
            }
            if let loop, Int(position) >= loop.1 {
                position = Double(loop.0)
                stretcher?.reset()
            } else if Int(position) >= clip.frames {
                position = Double(clip.frames)
                playing = false
            } else if let stop = stopAt, Int(position) >= stop {
                position = Double(stop)
                stopAt = nil
                playing = false
            }
            let myGeneration = generation
            condition.unlock()

            if !chunk.isEmpty, let current = sink {
                do {
                    try current.write(chunk)
                } catch {
                    // The device went away mid-clip: carry on silently and say so.
                    let null = NullSink(rate: format.0, channels: format.1, reason: "\(current.name) failed: \(error)")
                    condition.lock()
                    sinkName = null.name
                    sinkAudible = false
                    condition.unlock()
                    sink = null
                }
            }
            condition.lock()
            if myGeneration == generation {
                if startedAt == nil { startedAt = PacedClock.now() }
                sinkQueued = sink?.queuedFrames ?? 0
            }
            condition.unlock()
        }
        sink?.drain()
    }

    private func openSink(rate: Int, channels: Int) -> AudioSink {
        switch choice {
        case .null:
            return NullSink(rate: rate, channels: channels, reason: "playback is off")
        case .command(let template):
            return CommandSink(template: template, rate: rate, channels: channels)
        case .alsa(let device):
            do { return try ALSASink(device: device, rate: rate, channels: channels) } catch {
                return NullSink(rate: rate, channels: channels, reason: "\(error)")
            }
        case .automatic:
            do { return try ALSASink(rate: rate, channels: channels) } catch {
                return NullSink(rate: rate, channels: channels, reason: "no sound device (\(error))")
            }
        }
    }
}
