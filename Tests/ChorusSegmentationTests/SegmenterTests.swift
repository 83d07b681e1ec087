import Foundation
import ChorusSegmentation
import Testing
import TestSupport

@Suite struct SegmenterTests {
    /// Pause, speech, pause, ...: pauses from 0.35 to 3 s, speech from 0.4 to 4 s.
    static let pattern = [1.0, 2.5, 0.6, 1.2, 3.0, 4.0, 0.35, 0.4, 1.5, 2.0, 1.0]

    static func expectBoundaries(_ segments: [Segment], _ truth: [(start: Double, end: Double)], within tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(segments.count == truth.count, "found \(segments.map { ($0.speechStart, $0.speechEnd) }) for \(truth)", sourceLocation: sourceLocation)
        for (segment, region) in zip(segments, truth) {
            #expect(abs(segment.speechStart - region.start) <= tolerance, "start \(segment.speechStart) for \(region.start)", sourceLocation: sourceLocation)
            #expect(abs(segment.speechEnd - region.end) <= tolerance, "end \(segment.speechEnd) for \(region.end)", sourceLocation: sourceLocation)
        }
    }

    @Test("speech regions found within 20 ms", arguments: [8_000, 16_000, 22_050, 44_100, 48_000])
    func cleanBoundaries(rate: Int) throws {
        let (speech, truth) = Signals.compose(rate: rate, pattern: Self.pattern)
        let room = Signals.whiteNoise(count: speech.count, level: -70)
        let (segments, summary) = try SilenceSegmenter.segments(of: Signals.mix(speech, room), sampleRate: rate, channels: 1)
        Self.expectBoundaries(segments, truth, within: 0.02)
        #expect(abs(summary.duration - Double(speech.count) / Double(rate)) < 1e-9)
        #expect(!summary.noPauseFound)
    }

    @Test("speech regions found within 20 ms under hiss at 20 dB SNR and hum at 15 dB", arguments: [16_000, 48_000])
    func noisyBoundaries(rate: Int) throws {
        // The shortest pause is 0.5 s here: these bursts' level stands only 16 dB above the
        // noise floor, where a pause must be up to 0.16 s longer than the minimum (see the next test).
        let pattern = Self.pattern.map { $0 == 0.35 ? 0.5 : $0 }
        let (speech, truth) = Signals.compose(rate: rate, pattern: pattern, level: -12)
        // The bursts' RMS is about -21 dBFS.
        let hiss = Signals.whiteNoise(count: speech.count, level: -41)
        let hum = Signals.hum(count: speech.count, rate: rate, level: -36)
        let (segments, _) = try SilenceSegmenter.segments(of: Signals.mix(Signals.mix(speech, hiss), hum), sampleRate: rate, channels: 1)
        Self.expectBoundaries(segments, truth, within: 0.02)
    }

    /// At low SNR the weak end of a word and the onset of the next sink under the noise, so the
    /// pause between them measures longer than it is: a pause just over the minimum that splits
    /// a clean recording joins the two utterances under loud hiss, while a clearly longer one
    /// still splits.
    @Test func aPauseMustBeLongerWhereTheSpeechIsCloseToTheNoise() throws {
        let rate = 16_000
        let short = Signals.compose(rate: rate, pattern: [1, 1.5, 0.38, 1.5, 1])
        let long = Signals.compose(rate: rate, pattern: [1, 1.5, 0.5, 1.5, 1])
        func count(_ speech: [Float], hiss level: Double) throws -> Int {
            try SilenceSegmenter.segments(of: Signals.mix(speech, Signals.whiteNoise(count: speech.count, level: level)), sampleRate: rate, channels: 1).segments.count
        }
        #expect(try count(short.samples, hiss: -70) == 2)
        #expect(try count(short.samples, hiss: -26) == 1)
        #expect(try count(long.samples, hiss: -26) == 2)
    }

    /// A quiet talker answering a loud one in a recording that is mostly the loud one: the
    /// speech level, and the noise's apparent spread, are the loud talker's, but clear voicing
    /// a little above the noise starts speech, and keeps it going: 33 dB down, the quiet talker
    /// stands under the level at which ordinary voicing holds speech open, and was closed, empty,
    /// after the minimum silence (26 dB down, cut 0.13 s short; 30 dB down, cut after 0.5 s).
    @Test("a quiet talker beside a loud one is found", arguments: [-38.0, -42.0, -45.0])
    func aQuietTalkerBesideALoudOneIsFound(level: Double) throws {
        let rate = 16_000
        let loud = Signals.compose(rate: rate, pattern: [0.5, 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5], level: -12)
        // The quiet talker speaks 11.5-13 s, in place of the loud one's fourth turn (11-14 s).
        let quiet = Signals.compose(rate: rate, pattern: [11.5, 1.5, 8.5], level: level)
        var speech = loud.samples
        for i in Int(loud.speech[3].start * Double(rate))..<Int(loud.speech[3].end * Double(rate)) { speech[i] = quiet.samples[i] }
        let samples = Signals.mix(speech, Signals.whiteNoise(count: speech.count, level: -75))
        let (segments, _) = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1)
        #expect(segments.contains { abs($0.speechStart - quiet.speech[0].start) < 0.05 && abs($0.speechEnd - quiet.speech[0].end) < 0.1 },
                "\(segments.map { ($0.speechStart, $0.speechEnd) }) for \(quiet.speech)")
    }

    /// Five utterances of 2.5 s by a low voice (68 Hz, a man with a cold) at -30 dBFS, 1.5 s apart
    /// and 1.5 s from each end.
    static func lowVoice(rate: Int) -> (samples: [Float], speech: [(start: Double, end: Double)]) {
        var speech: [Float] = []
        var truth: [(start: Double, end: Double)] = []
        for i in 0..<5 {
            speech += Signals.silence(seconds: 1.5, rate: rate)
            let start = Double(speech.count) / Double(rate)
            speech += Signals.speech(seconds: 2.5, rate: rate, level: -30, seed: UInt64(i), pitch: 68, swing: 5)
            truth.append((start, start + 2.5))
        }
        return (speech + Signals.silence(seconds: 1.5, rate: rate), truth)
    }

    /// A low voice (68 Hz, a man with a cold) under mains hum louder than itself (a bad ground):
    /// the hum's lines lie among the voice's harmonics and hide its periodicity, so where the
    /// quiet moments repeat at the mains period the voicing is also read with the lines notched
    /// out. Also after seconds of digital silence (an edited recording), which is no quiet moment.
    @Test("a low voice under mains hum louder than itself is found", arguments: [(50.0, 0.0, 16_000), (60.0, 0.0, 16_000), (60.0, 4.0, 16_000), (60.0, 0.0, 44_100)])
    func aLowVoiceUnderLouderHumIsFound(mains: Double, silence: Double, rate: Int) throws {
        let (speech, truth) = Self.lowVoice(rate: rate)
        let rms = (speech.reduce(0) { $0 + Double($1) * Double($1) } / Double(speech.count)).squareRoot()
        let breath = Signals.mix(speech, Signals.whiteNoise(count: speech.count, level: -56))
        let samples = Signals.silence(seconds: silence, rate: rate)
            + Signals.mix(breath, Signals.hum(count: speech.count, rate: rate, level: 20 * log10(rms) + 5, mains: mains))
        let (segments, summary) = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1)
        // The summary says which hum it heard.
        #expect(summary.mainsHum == Int(mains))
        // (Beside digital silence the noise floor reads lower, and edges spread into the hum by up to 0.2 s.)
        SegmenterTests.expectBoundaries(segments, truth.map { ($0.start + silence, $0.end + silence) }, within: silence > 0 ? 0.25 : 0.15)
    }

    /// Rustling (paper, clothing, a handled microphone) rises and falls like speech but has no
    /// voicing; a moment of voicing inside it (a cough's tail, a word from afar) must not carry
    /// seconds of it into speech.
    @Test("a moment of voicing does not make seconds of rustle speech, and less than a vowel of it none", arguments: [0.2, 0.06])
    func aMomentOfVoicingDoesNotMakeSecondsOfRustleSpeech(voiced: Double) throws {
        let rate = 16_000
        var rustle = Signals.whiteNoise(count: rate * 8, level: -30, seed: 3)
        var rng = SplitMix(seed: 11)
        // A new loudness every 40 ms, over 24 dB.
        for block in stride(from: 0, to: rustle.count, by: rate / 25) {
            let gain = Float.exp10((Float(rng.next() % 24) - 24) / 20)
            for i in block..<min(rustle.count, block + rate / 25) { rustle[i] *= gain }
        }
        let quiet = Signals.whiteNoise(count: rate * 2, level: -70, seed: 5)
        let voice = Signals.speech(seconds: voiced, rate: rate, level: -24)
        // 2 s of room, 3.9 s of rustle, the voiced sound, 3.9 s of rustle, 2 s of room.
        let middle = Array(rustle[0..<(rate * 39 / 10)]) + voice + Array(rustle[(rate * 4)..<(rate * 79 / 10)])
        let samples = quiet + Signals.mix(middle, Signals.whiteNoise(count: middle.count, level: -70, seed: 6)) + quiet
        let (segments, summary) = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1)
        // Up to --unvoiced-gap of rustle each side of a vowel's worth of voicing; nothing around less.
        #expect(summary.speechDuration <= (voiced >= 0.08 ? voiced + 2 * 1.6 : 0), "\(segments.map { ($0.speechStart, $0.speechEnd) })")
    }

    /// A low voice in hiss low-passed to where its harmonics are: the hiss takes its share of every
    /// window's energy and so of its periodicity, and the voice read too weakly voiced to be
    /// speech where it is quiet (before: four of the five utterances found, edges 0.4 to 2 s off).
    /// The periodicity is raised by the share the noise takes, which the quiet moments measure.
    /// The hiss alone, and 20 dB louder, is still not speech.
    ///
    /// And in white hiss, which spreads over the whole speech band: there the band's energy
    /// rises little with the voice, while the voicing's own band (about 150 Hz to 1 kHz, where
    /// the voice's first harmonics are) stands well above its noise, and a voiced frame counts
    /// as above the noise in either band (before: at -42 dBFS, one segment across four
    /// utterances; at -44 dBFS, starts 0.3 to 1.3 s late).
    @Test("a low voice in hiss is found, and the hiss alone is not speech", arguments: [(true, -48.0), (false, -42.0), (false, -44.0)])
    func aLowVoiceInHissIsFound(lowPassed: Bool, hiss: Double) throws {
        let rate = 16_000
        let (speech, truth) = Self.lowVoice(rate: rate)
        // Hiss low-passed to about 1 kHz (a fan, an air conditioner): it lies where the voice's
        // harmonics are.
        let white = Signals.whiteNoise(count: speech.count + 8, level: hiss)
        let noise = lowPassed ? (0..<speech.count).map { i in white[i..<(i + 8)].reduce(0, +) / Float(8).squareRoot() } : Array(white.prefix(speech.count))
        let (segments, _) = try SilenceSegmenter.segments(of: Signals.mix(speech, noise), sampleRate: rate, channels: 1)
        SegmenterTests.expectBoundaries(segments, truth, within: 0.25)
        for alone in [noise, noise.map { $0 * 10 }] {
            let (called, _) = try SilenceSegmenter.segments(of: alone, sampleRate: rate, channels: 1)
            #expect(called.isEmpty, "\(called.map { ($0.speechStart, $0.speechEnd) })")
        }
    }

    @Test func loudHissAtFiveDecibelsStillSeparatesUtterances() throws {
        let rate = 16_000
        let (speech, truth) = Signals.compose(rate: rate, pattern: [2, 2.5, 1.0, 1.5, 2.0, 3.0, 2])
        let hiss = Signals.whiteNoise(count: speech.count, level: -26)
        let (segments, _) = try SilenceSegmenter.segments(of: Signals.mix(speech, hiss), sampleRate: rate, channels: 1)
        Self.expectBoundaries(segments, truth, within: 0.08)
    }

    @Test("noise alone is not speech", arguments: [-60.0, -30.0, -10.0])
    func noiseOnly(level: Double) throws {
        let rate = 16_000
        let noise = Signals.mix(Signals.whiteNoise(count: rate * 60, level: level), Signals.hum(count: rate * 60, rate: rate, level: level - 6))
        let (segments, summary) = try SilenceSegmenter.segments(of: noise, sampleRate: rate, channels: 1)
        #expect(summary.speechDuration <= 1.0, "\(segments)")
    }

    @Test func digitalSilenceHasNoSegments() throws {
        let (segments, summary) = try SilenceSegmenter.segments(of: Signals.silence(seconds: 30, rate: 8000), sampleRate: 8000, channels: 1)
        #expect(segments.isEmpty)
        #expect(summary.duration == 30)
        #expect(summary.speechDuration == 0)
    }

    @Test func emptyInputHasNoSegments() throws {
        let (segments, summary) = try SilenceSegmenter.segments(of: [], sampleRate: 16_000, channels: 2)
        #expect(segments.isEmpty)
        #expect(summary.duration == 0)
    }

    @Test func shortPausesDoNotSplitLongOnesDo() throws {
        let rate = 16_000
        var c = SegmenterConfiguration()
        c.padding = 0
        let (speech, truth) = Signals.compose(rate: rate, pattern: [1, 1.0, 0.2, 1.0, 0.5, 1.0, 1])
        let (segments, _) = try SilenceSegmenter.segments(of: speech, sampleRate: rate, channels: 1, configuration: c)
        #expect(segments.count == 2)
        #expect(abs(segments[0].speechStart - truth[0].start) <= 0.02)
        #expect(abs(segments[0].speechEnd - truth[1].end) <= 0.02, "\(segments[0].speechEnd) for \(truth[1].end)")
        c.minSilence = 0.6
        let merged = try SilenceSegmenter.segments(of: speech, sampleRate: rate, channels: 1, configuration: c).segments
        #expect(merged.count == 1)
    }

    @Test func clicksShorterThanTheMinimumAreDropped() throws {
        let rate = 16_000
        let (speech, _) = Signals.compose(rate: rate, pattern: [1, 0.08, 1, 1.5, 1])
        let (segments, _) = try SilenceSegmenter.segments(of: speech, sampleRate: rate, channels: 1)
        #expect(segments.count == 1)
        #expect(segments[0].speechStart > 2)
    }

    @Test func overlongSpeechIsSplitAtItsQuietestPoint() throws {
        let rate = 8_000
        // 26 s of unbroken speech with a quieter 0.25 s stretch (-18 dB, not a pause) at 11 s.
        var speech = Signals.speech(seconds: 26, rate: rate, level: -12)
        for i in Int(11.0 * Double(rate))..<Int(11.25 * Double(rate)) { speech[i] *= 0.125 }
        let samples = Signals.silence(seconds: 1, rate: rate) + speech + Signals.silence(seconds: 1, rate: rate)
        var c = SegmenterConfiguration()
        c.maxSegment = 15
        c.padding = 0.1
        let (segments, summary) = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1, configuration: c)
        #expect(segments.count == 2)
        #expect(summary.forcedSplits == 1, "\(segments.map { ($0.speechStart, $0.speechEnd) })")
        #expect(abs(segments[0].speechEnd - 12.125) < 0.15, "split at \(segments[0].speechEnd)")
        // The two parts meet: no padding is invented at a forced split, and nothing is lost.
        #expect(segments[0].end == segments[1].start)
        for s in segments { #expect(s.speechEnd - s.speechStart <= 15) }
    }

    @Test func unbrokenSpeechIsCutIntoPiecesNoLongerThanTheMaximum() throws {
        let rate = 8_000
        let samples = Signals.silence(seconds: 0.5, rate: rate) + Signals.speech(seconds: 70, rate: rate)
        var c = SegmenterConfiguration()
        c.maxSegment = 20
        let (segments, summary) = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1, configuration: c)
        #expect(segments.count >= 4)
        for s in segments {
            #expect(s.speechEnd - s.speechStart <= 20 + 1e-9)
            #expect(s.speechEnd - s.speechStart >= c.minSegment)
        }
        for (a, b) in zip(segments, segments.dropFirst()) { #expect(a.speechEnd == b.speechStart) }
        #expect(summary.pauses == 1)
    }

    @Test func paddingStopsHalfWayToANeighbourAndAtTheFileEnds() throws {
        let rate = 16_000
        let (speech, _) = Signals.compose(rate: rate, pattern: [0.05, 1.0, 0.4, 1.0, 0.1])
        var c = SegmenterConfiguration()
        c.padding = 0.5
        let (segments, summary) = try SilenceSegmenter.segments(of: speech, sampleRate: rate, channels: 1, configuration: c)
        #expect(segments.count == 2)
        #expect(segments[0].start == 0)
        #expect(segments[1].end == summary.duration)
        let middle = (segments[0].speechEnd + segments[1].speechStart) / 2
        #expect(abs(segments[0].end - middle) < 1e-9)
        #expect(abs(segments[1].start - middle) < 1e-9)
    }

    @Test func aChosenChannelIsTheOneHeard() throws {
        let rate = 16_000
        let (speech, truth) = Signals.compose(rate: rate, pattern: [1, 2, 1, 2, 1])
        let quiet = Signals.whiteNoise(count: speech.count, level: -50)
        let stereo = Signals.interleave([quiet, Signals.mix(speech, quiet)])
        var c = SegmenterConfiguration()
        c.channel = .index(1)
        Self.expectBoundaries(try SilenceSegmenter.segments(of: stereo, sampleRate: rate, channels: 2, configuration: c).segments, truth, within: 0.02)
        c.channel = .index(0)
        #expect(try SilenceSegmenter.segments(of: stereo, sampleRate: rate, channels: 2, configuration: c).segments.isEmpty)
        c.channel = .mix
        Self.expectBoundaries(try SilenceSegmenter.segments(of: stereo, sampleRate: rate, channels: 2, configuration: c).segments, truth, within: 0.02)
        c.channel = .index(2)
        #expect(throws: SegmentationError.self) { try SilenceSegmenter(configuration: c, sampleRate: rate, channels: 2) }
    }

    /// (Over mains hum in one channel, so that the hum notches run too.)
    @Test("the same segments whatever the block size", arguments: [1, 7, 160, 4096])
    func blockSizeDoesNotMatter(block: Int) throws {
        let rate = 16_000
        let (speech, _) = Signals.compose(rate: rate, pattern: Self.pattern)
        let noise = Signals.mix(Signals.whiteNoise(count: speech.count, level: -45), Signals.hum(count: speech.count, rate: rate, level: -30, mains: 60))
        let samples = Signals.interleave([speech, noise])
        let whole = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 2)
        var segmenter = try SilenceSegmenter(sampleRate: rate, channels: 2)
        var found: [Segment] = []
        var i = 0
        while i < samples.count {
            let j = min(samples.count, i + block * 2)
            samples[i..<j].withUnsafeBufferPointer { segmenter.process($0) { found.append($0) } }
            i = j
        }
        let summary = segmenter.finish { found.append($0) }
        #expect(found == whole.segments)
        #expect(summary == whole.summary)
        #expect(!found.isEmpty)
    }

    /// The voicing measured on a second thread while this one decides the frames before it:
    /// the same segments, block by block and whole, over hum so that the notches run too.
    @Test("the same segments with the voicing on a second thread", arguments: [8_192, 50_000, 0])
    func concurrentVoicingDoesNotMatter(block: Int) throws {
        let rate = 16_000
        let (speech, _) = Signals.compose(rate: rate, pattern: Self.pattern + Self.pattern)
        let noise = Signals.mix(Signals.whiteNoise(count: speech.count, level: -45), Signals.hum(count: speech.count, rate: rate, level: -30, mains: 50))
        let samples = Signals.mix(speech, noise)
        let serial = try SilenceSegmenter.segments(of: samples, sampleRate: rate, channels: 1)
        var segmenter = try SilenceSegmenter(sampleRate: rate, channels: 1)
        segmenter.concurrent = true
        var found: [Segment] = []
        let step = block == 0 ? samples.count : block
        var i = 0
        while i < samples.count {
            let j = min(samples.count, i + step)
            samples[i..<j].withUnsafeBufferPointer { segmenter.process($0) { found.append($0) } }
            i = j
        }
        let summary = segmenter.finish { found.append($0) }
        #expect(found == serial.segments)
        #expect(summary == serial.summary)
        #expect(summary.mainsHum == 50)
        #expect(found.count >= 6)
    }

    @Test func invalidConfigurationsAreRefusedWithAReason() {
        var c = SegmenterConfiguration()
        c.minSilence = 0
        #expect(c.problem()?.contains("min silence") == true)
        c = SegmenterConfiguration()
        c.maxSegment = 0.2
        #expect(c.problem()?.contains("max segment") == true)
        c = SegmenterConfiguration()
        c.bandHigh = 100
        #expect(c.problem() != nil)
        #expect(SegmenterConfiguration().problem() == nil)
        #expect(throws: SegmentationError.self) { try SilenceSegmenter(sampleRate: 0, channels: 1) }
    }
}

@Suite struct AwkwardInputTests {
    @Test("rates and channel counts at the edges", arguments: [(96_000, 6), (11_025, 2), (32_000, 1), (44_100, 6)])
    func ratesAndChannels(rate: Int, channels: Int) throws {
        let (speech, truth) = Signals.compose(rate: rate, pattern: [1, 1.5, 0.6, 2.0, 1])
        let quiet = Signals.whiteNoise(count: speech.count, level: -60)
        let frames = (0..<channels).map { c in c == 0 ? Signals.mix(speech, quiet) : quiet.map { $0 * Float(c) / 2 } }
        let (segments, _) = try SilenceSegmenter.segments(of: Signals.interleave(frames), sampleRate: rate, channels: channels)
        SegmenterTests.expectBoundaries(segments, truth, within: 0.02)
    }

    @Test func aLargeDCOffsetIsIgnored() throws {
        let rate = 16_000
        let (speech, truth) = Signals.compose(rate: rate, pattern: [1, 1.5, 0.6, 2.0, 1])
        let shifted = speech.map { $0 + 0.4 }
        SegmenterTests.expectBoundaries(try SilenceSegmenter.segments(of: shifted, sampleRate: rate, channels: 1).segments, truth, within: 0.02)
    }

    @Test func clippedSpeechIsStillFound() throws {
        let rate = 16_000
        let (speech, truth) = Signals.compose(rate: rate, pattern: [1, 1.5, 0.6, 2.0, 1], level: 6)
        let clipped = speech.map { min(1, max(-1, $0)) }
        SegmenterTests.expectBoundaries(try SilenceSegmenter.segments(of: clipped, sampleRate: rate, channels: 1).segments, truth, within: 0.02)
    }
}

/// Noise whose level steps, and the voicing that tells it from speech.
@Suite struct NoiseStepTests {
    /// White noise whose level steps: 10 s at each of `levels` dBFS.
    static func steps(_ levels: [Double], rate: Int) -> [Float] {
        levels.enumerated().flatMap { i, level in Signals.whiteNoise(count: rate * 10, level: level, seed: 40 + UInt64(i)) }
    }

    @Test("noise that steps up and down by 15 to 40 dB is not speech", arguments: [16_000, 44_100])
    func steppedNoiseIsNotSpeech(rate: Int) throws {
        // Near silence, then a fan at -60, a street at -30, a lull at -55, traffic at -35 dBFS.
        let noise = Self.steps([-90, -60, -30, -55, -35, -70], rate: rate)
        let (segments, _) = try SilenceSegmenter.segments(of: noise, sampleRate: rate, channels: 1)
        let called = segments.reduce(0) { $0 + $1.speechEnd - $1.speechStart }
        #expect(called <= 1, "called \(called) s speech: \(segments.map { ($0.speechStart, $0.speechEnd) })")
        // Energy alone (the segmenter before voicing) calls the seconds after each rise speech.
        var energyOnly = SegmenterConfiguration()
        energyOnly.requireVoicing = false
        let (before, _) = try SilenceSegmenter.segments(of: noise, sampleRate: rate, channels: 1, configuration: energyOnly)
        #expect(before.reduce(0) { $0 + $1.speechEnd - $1.speechStart } > 5, "the test would not catch the old behaviour")
    }

    @Test func speechOverSteppingNoiseIsFoundAndTheNoiseIsNot() throws {
        let rate = 16_000
        // Voiced bursts at -12 dBFS peak; the noise steps from -70 to -40 dBFS at 10 s and back at 30 s.
        let (speech, truth) = Signals.compose(rate: rate, pattern: [12, 2.5, 6, 3, 8.5, 2, 6])
        let noise = Self.steps([-70, -40, -40, -70], rate: rate)
        let (segments, summary) = try SilenceSegmenter.segments(of: Signals.mix(speech, Array(noise.prefix(speech.count))), sampleRate: rate, channels: 1)
        SegmenterTests.expectBoundaries(segments, truth, within: 0.3)
        // Voices at 120 and 150 Hz repeat at the mains period too, and white noise is no hum.
        #expect(summary.mainsHum == nil)
    }

    @Test func voicingIsHighForAVoiceAndLowForNoiseAndHumWhateverTheLevel() throws {
        let rate = 16_000
        func voicing(_ x: [Float]) throws -> Float {
            var segmenter = try SilenceSegmenter(sampleRate: rate, channels: 1)
            var values: [Float] = []
            segmenter.trace = { values.append($0.voicing) }
            x.withUnsafeBufferPointer { segmenter.process($0) { _ in } }
            _ = segmenter.finish { _ in }
            let middle = values.dropFirst(values.count / 4).dropLast(values.count / 4).sorted()
            return middle[middle.count / 2]
        }
        let voice = try voicing(Signals.speech(seconds: 4, rate: rate, level: -30))
        #expect(voice > 0.8, "a voice reads \(voice)")
        // A low voice (a man with a cold, creaking at 63 to 73 Hz) is a voice too, with breath
        // noise 10 dB under it.
        let low = Signals.speech(seconds: 4, rate: rate, level: -30, pitch: 68, swing: 5)
        let breathy = try voicing(Signals.mix(low, Signals.whiteNoise(count: low.count, level: -50)))
        #expect(Double(breathy) > SegmenterConfiguration().voicedThreshold, "a low voice reads \(breathy)")
        // Mains hum at 60 Hz repeats within the pitch range and is still no voice.
        let hum60 = try voicing(Signals.hum(count: rate * 4, rate: rate, level: -20, mains: 60))
        #expect(hum60 < 0.3, "60 Hz hum reads \(hum60)")
        for level in [-60.0, -20.0] {
            let white = try voicing(Signals.whiteNoise(count: rate * 4, level: level))
            let hum = try voicing(Signals.hum(count: rate * 4, rate: rate, level: level))
            #expect(white < 0.3 && hum < 0.3, "white \(white), hum \(hum) at \(level) dBFS")
        }
    }
}
