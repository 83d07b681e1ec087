import ChorusPlayback
import Foundation
import Testing
import TestSupport

/// The strongest frequency of a mono signal between 50 and 2000 Hz, by zero crossings.
func pitch(_ x: ArraySlice<Float>, rate: Int) -> Double {
    var crossings = 0
    var previous = x.first ?? 0
    for v in x.dropFirst() {
        if (previous < 0) != (v < 0) { crossings += 1 }
        previous = v
    }
    return Double(crossings) / 2 / (Double(x.count) / Double(rate))
}

@Suite struct TimeStretchTests {
    /// Drives the stretcher as the player does: one hop of output per step, the source
    /// position advancing by hop × speed.
    func stretch(_ x: [Float], rate: Int, speed: Double) -> [Float] {
        var s = TimeStretcher(sampleRate: rate, channels: 1)
        var out: [Float] = []
        var position = 0.0
        while Int(position) < x.count {
            out += s.next(from: x, at: Int(position))
            position += Double(s.hop) * speed
        }
        return out
    }

    @Test(arguments: [0.5, 0.8, 1.25, 1.5])
    func changesTheDurationAndKeepsThePitch(speed: Double) {
        let rate = 16_000
        let x = (0..<(2 * rate)).map { Float(0.5 * sin(2 * Double.pi * 220 * Double($0) / Double(rate))) }
        let y = stretch(x, rate: rate, speed: speed)
        let expected = Double(x.count) / speed
        #expect(abs(Double(y.count) - expected) / expected < 0.03)
        // Away from the fade-in, the tone is still 220 Hz (resampling would give 220 × speed).
        let middle = y[(y.count / 4)..<(3 * y.count / 4)]
        #expect(abs(pitch(middle, rate: rate) - 220) < 4)
        // And its level holds: overlapping frames add in phase.
        let rms = sqrt(middle.reduce(0) { $0 + Double($1 * $1) } / Double(middle.count))
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.05)
    }

    @Test func stereoChannelsEachKeepTheirPitch() {
        let rate = 22_050
        let x = Signals.interleave([
            Signals.sine(frequency: 150, seconds: 1.5, rate: rate), Signals.sine(frequency: 150, seconds: 1.5, rate: rate, amplitude: 0.2),
        ])
        var s = TimeStretcher(sampleRate: rate, channels: 2)
        var y: [Float] = []
        var position = 0.0
        while Int(position) < x.count / 2 {
            y += s.next(from: x, at: Int(position))
            position += Double(s.hop) * 0.5
        }
        let left = stride(from: 0, to: y.count, by: 2).map { y[$0] }, right = stride(from: 1, to: y.count, by: 2).map { y[$0] }
        #expect(abs(Double(left.count) - 3 * Double(rate)) / (3 * Double(rate)) < 0.03)
        #expect(abs(pitch(left[(left.count / 4)..<(3 * left.count / 4)], rate: rate) - 150) < 4)
        #expect(abs(pitch(right[(right.count / 4)..<(3 * right.count / 4)], rate: rate) - 150) < 4)
        let peakRight = right[(right.count / 4)..<(3 * right.count / 4)].map(abs).max() ?? 0
        #expect(abs(peakRight - 0.2) < 0.03)
    }
}

@Suite(.serialized) struct PlayerTests {
    func clip(seconds: Double, rate: Int = 16_000) -> AudioClip {
        AudioClip(samples: Signals.sine(frequency: 300, seconds: seconds, rate: rate), sampleRate: rate, channels: 1)
    }

    func wait(until condition: () -> Bool, timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func playsInRealTimeToTheNullSinkAndSaysSo() {
        let player = Player(sink: .null)
        defer { player.shutdown() }
        player.load(clip(seconds: 0.6))
        #expect(wait { player.status.startedAt != nil })
        let status = player.status
        #expect(status.playing)
        #expect(!status.audible)
        #expect(status.sink.contains("playback is off"))
        // Keeps time like a sound card: ends after about 0.6 s, not at once.
        usleep(200_000)
        #expect(player.status.playing)
        #expect(wait { !player.status.playing })
        #expect(abs(player.status.position - 0.6) < 0.01)
    }

    @Test func pauseResumeWithRewindSeekAndReplay() {
        let player = Player(sink: .null)
        defer { player.shutdown() }
        player.load(clip(seconds: 5))
        usleep(600_000)
        player.pause()
        let paused = player.status.position
        #expect(paused > 0.3 && paused < 0.9)
        usleep(200_000)
        #expect(player.status.position == paused)
        player.resume(rewind: 0.25)
        #expect(abs(player.status.position - max(0, paused - 0.25)) < 0.08)
        player.seek(by: 2)
        #expect(abs(player.status.position - (paused - 0.25 + 2)) < 0.15)
        player.replay()
        #expect(player.status.position < 0.1)
        player.setSpeed(3)
        #expect(player.status.speed == 1.5)
        player.setSpeed(0.1)
        #expect(player.status.speed == 0.5)
    }

    @Test func loopsAMarkedStretch() {
        let player = Player(sink: .null)
        defer { player.shutdown() }
        player.load(clip(seconds: 3), play: false)
        player.seek(by: 0.5)
        player.markLoop()
        player.seek(by: 0.5)
        player.markLoop()
        let status = player.status
        #expect(status.loop.map { abs($0.lowerBound - 0.5) < 0.02 && abs($0.upperBound - 1.0) < 0.02 } == true)
        #expect(status.playing)
        // After well over one pass it is still inside the loop, still playing.
        usleep(900_000)
        #expect(player.status.playing)
        #expect(player.status.position >= 0.45 && player.status.position <= 1.05)
    }

    @Test func aClipIsTheRightStretchOfTheFile() throws {
        let rate = 8000
        let ramp = (0..<(rate * 2)).map { Float($0) / Float(rate * 4) }
        let path = try Fixtures.write(ramp, to: try Fixtures.scratch() + "/ramp.wav", rate: rate, encoding: .float32)
        let clip = try AudioClip.load(path: path, start: 0.5, end: 0.75)
        #expect(clip.frames == 2000)
        #expect(clip.samples.first == ramp[4000])
        #expect(clip.samples.last == ramp[5999])
        // Past the end of the file: what there is.
        #expect(try AudioClip.load(path: path, start: 1.9, end: 3).frames == 800)
    }
}

/// Playback through the real sinks, into files: ALSA's `file` plugin (libasound writes what
/// the PCM is given) and an external player command (`cat`).
@Suite(.serialized) struct SinkTests {
    func floats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func playToEnd(_ player: Player, _ clip: AudioClip, speed: Double = 1) -> Bool {
        player.setSpeed(speed)
        player.load(clip)
        let deadline = Date().addingTimeInterval(10)
        usleep(50_000)
        while Date() < deadline {
            if !player.status.playing { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func alsaPlaysEverySampleInOrder() throws {
        let path = try Fixtures.scratch() + "/alsa.raw"
        let samples = Signals.speech(seconds: 0.8, rate: 16_000)
        let player = Player(sink: .alsa("file:FILE=\(path),FORMAT=raw"))
        #expect(playToEnd(player, AudioClip(samples: samples, sampleRate: 16_000, channels: 1)))
        #expect(player.status.sink == "ALSA file:FILE=\(path),FORMAT=raw")
        #expect(player.status.audible)
        player.shutdown()  // closes the PCM, which flushes the file
        #expect(try floats(path) == samples)
    }

    @Test func alsaAtHalfSpeedPlaysTwiceAsLongInStereo() throws {
        let path = try Fixtures.scratch() + "/alsa-half.raw"
        let rate = 22_050
        let stereo = Signals.interleave([Signals.sine(frequency: 200, seconds: 0.6, rate: rate), Signals.sine(frequency: 200, seconds: 0.6, rate: rate)])
        let player = Player(sink: .alsa("file:FILE=\(path),FORMAT=raw"))
        #expect(playToEnd(player, AudioClip(samples: stereo, sampleRate: rate, channels: 2), speed: 0.5))
        player.shutdown()
        let out = try floats(path)
        let seconds = Double(out.count / 2) / Double(rate)
        #expect(abs(seconds - 1.2) < 0.05)
        let left = stride(from: 0, to: out.count, by: 2).map { out[$0] }
        #expect(abs(pitch(left[(left.count / 4)..<(3 * left.count / 4)], rate: rate) - 200) < 5)
    }

    @Test func anExternalPlayerReadsTheSamplesInRealTime() throws {
        let dir = try Fixtures.scratch()
        let samples = Signals.speech(seconds: 0.5, rate: 8000)
        let player = Player(sink: .command("cat > '\(dir)/{rate}-{channels}.raw'"))
        let started = Date()
        #expect(playToEnd(player, AudioClip(samples: samples, sampleRate: 8000, channels: 1)))
        // Paced like a sound card, not poured out at once.
        #expect(Date().timeIntervalSince(started) > 0.4)
        #expect(player.status.sink == "player: cat")
        player.shutdown()
        #expect(try floats(dir + "/8000-1.raw") == samples)
    }
}
