import RealModule

/// What the detector saw and decided at one frame, for tuning and debugging (`chorus-bench trace`).
public struct FrameDecision: Sendable {
    /// Frame index from the start of the file.
    public var frame: Int
    /// Smoothed band energy, dBFS.
    public var energy: Float
    /// Noise floor and speech level estimates, dBFS.
    public var floor: Float, level: Float
    /// The thresholds in force, dBFS.
    public var start: Float, stop: Float
    /// Pitch-range periodicity, 0 to 1 (see ``VoicingMeter``).
    public var voicing: Float
    /// Smoothed energy and noise floor in the voicing's band (about 150 Hz to 1 kHz), dBFS.
    public var lowEnergy: Float, lowFloor: Float
    /// Whether the frame was judged speech (before minimum-length and padding rules).
    public var speech: Bool
}

/// A stretch of speech in frame indices, `[start, end)`, before padding.
struct SpeechRegion: Equatable {
    var start: Int
    var end: Int
    /// True when the region was cut because speech ran past the maximum length.
    var forcedEnd: Bool
}

/// Decides, frame by frame, where speech is, from band energies in dB.
///
/// Energies are first smoothed over three frames. Each frame is judged against thresholds
/// placed above a noise floor (the 10th percentile of the smoothed energies within
/// ``SegmenterConfiguration/noiseWindow`` on both sides) by the largest of: a fixed margin, a
/// multiple of the noise's own spread (5th to 25th percentile, so steady hiss gets tight
/// thresholds and fluctuating noise wide ones), and a fraction of the way up to the speech
/// level (the 95th percentile). Speech starts above the start threshold and is traced back to
/// where it rose above the stop threshold; it ends after ``SegmenterConfiguration/minSilence``
/// below the stop threshold (hysteresis). A voiced frame needs less (see ``decide``), and may
/// stand above the noise in the voicing's band (about 150 Hz to 1 kHz, tracked the same way)
/// instead of the speech band. Decisions lag input by the look-ahead half of the
/// window, so memory is bounded by the window and the maximum segment length, never by the file.
struct SpeechDetector {
    private let past: Int
    private let future: Int
    private let minSilence: Int
    private let minSegment: Int
    private let maxSegment: Int
    private let splitWindow: Int
    private let startMargin, stopMargin, startFraction, stopFraction, startSpread, stopSpread, silenceFloor, dynamicRange: Float
    private let requireVoicing: Bool
    private let voicedThreshold: Float
    private let unvoicedGap, voicingMargin, minVoiced: Int
    /// Frames a pause may grow by where the speech stands little above the noise.
    private let pauseAllowance: Int
    /// Per-frame voicing, alongside `raw`.
    private var voicing: FrameRing

    /// Per-frame band energy in dB, for placing edges.
    private var raw: FrameRing
    /// Per-frame mean power, for smoothing.
    private var rawPower: FrameRing
    private var smooth: FrameRing
    private var levels = RollingPercentiles(quantiles: [0.05, 0.10, 0.25, 0.95])
    /// The same for the voicing's band (about 150 Hz to 1 kHz; see ``FrameVoicing``).
    private var lowPower: FrameRing
    private var lowSmooth: FrameRing
    private var lowLevels = RollingPercentiles(quantiles: [0.05, 0.10, 0.25, 0.95])
    /// Frames received so far.
    private(set) var received = 0
    /// The next frame to decide.
    private var next = 0

    private var inSpeech = false
    private var regionStart = 0
    private var silenceRun = 0
    private var lastEnd = 0
    /// Smoothed energies of the open region, for choosing where to split an overlong one, and
    /// whether each of its frames is voiced.
    private var regionEnergies = ContiguousArray<Float>()
    private var regionVoiced = ContiguousArray<Bool>()
    /// Called for every decided frame when set; nil in normal use.
    var trace: ((FrameDecision) -> Void)?

    init(configuration c: SegmenterConfiguration, framesPerSecond: Double) {
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds * framesPerSecond).rounded())) }
        let half = frames(c.noiseWindow)
        past = half
        future = half
        minSilence = frames(c.minSilence)
        minSegment = c.minSegment > 0 ? frames(c.minSegment) : 0
        maxSegment = frames(c.maxSegment)
        splitWindow = frames(0.1)
        startMargin = Float(c.startMargin)
        stopMargin = Float(c.stopMargin)
        startFraction = Float(c.startFraction)
        stopFraction = Float(c.stopFraction)
        startSpread = Float(c.startSpread)
        stopSpread = Float(c.stopSpread)
        silenceFloor = Float(c.silenceFloor)
        dynamicRange = Float(c.dynamicRange)
        requireVoicing = c.requireVoicing
        voicedThreshold = Float(c.voicedThreshold)
        unvoicedGap = frames(max(c.unvoicedGap, c.minSilence))
        voicingMargin = c.voicingMargin > 0 ? frames(c.voicingMargin) : 0
        minVoiced = c.minVoiced > 0 ? frames(c.minVoiced) : 0
        pauseAllowance = Int((Self.lowSNRPause * framesPerSecond).rounded())
        voicing = FrameRing(capacity: past + future + minSilence + 3)
        raw = FrameRing(capacity: past + future + minSilence + 3)
        rawPower = FrameRing(capacity: 4)
        smooth = FrameRing(capacity: past + future + minSilence + 3)
        lowPower = FrameRing(capacity: 4)
        lowSmooth = FrameRing(capacity: past + future + minSilence + 3)
        regionEnergies.reserveCapacity(maxSegment + 1)
    }

    /// Adds the mean power (linear, 1 = full scale RMS) and the voicing of the next frame; emits
    /// regions that are now decided.
    mutating func push(power: Float, voicing v: Float, lowPower low: Float, emit: (SpeechRegion) -> Void) {
        voicing[received] = v
        rawPower[received] = power
        lowPower[received] = low
        raw[received] = Self.decibels(power)
        received += 1
        // Frame j-1 can be smoothed once frame j is here.
        if received >= 2 { addSmoothed(received - 2) }
        if next + future < smoothedCount { decide(emit: emit) }
    }

    /// Decides the frames still waiting for look-ahead and closes any open region.
    mutating func finish(emit: (SpeechRegion) -> Void) {
        if received >= 1 { addSmoothed(received - 1) }
        while next < smoothedCount { decide(emit: emit) }
        if inSpeech { close(at: received - silenceRun, forced: false, emit: emit) }
    }

    private var smoothedCount = 0
    /// The spread term may lift the start threshold at most this share of the way from floor to
    /// speech level (the stop threshold proportionally less).
    private let capShare: Float = 0.8

    /// Power in dB, floored at -140 dB.
    @inline(__always)
    static func decibels(_ power: Float) -> Float { max(-140, 10 * Float.log10(power + 1e-14)) }

    /// Smooths frame `t` (mean power of frames t-1...t+1, in dB) and adds it to the window.
    private mutating func addSmoothed(_ t: Int) {
        let first = max(0, t - 1), last = min(received - 1, t + 1)
        var power: Float = 0, low: Float = 0
        for f in first...last {
            power += rawPower[f]
            low += lowPower[f]
        }
        let s = Self.decibels(power / Float(last - first + 1))
        smooth[t] = s
        levels.insert(s)
        lowSmooth[t] = Self.decibels(low / Float(last - first + 1))
        lowLevels.insert(lowSmooth[t])
        smoothedCount = t + 1
    }

    private mutating func decide(emit: (SpeechRegion) -> Void) {
        let t = next
        next += 1
        // The window for frame t is [t - past, t + future]; drop what fell out of it.
        let leaving = t - past - 1
        if leaving >= 0 {
            levels.remove(smooth[leaving])
            lowLevels.remove(lowSmooth[leaving])
        }
        let s = smooth[t], sl = lowSmooth[t]
        // (Static: a method of self taking one of self's properties inout would copy self.)
        let main = Self.noise(&levels, silenceFloor: silenceFloor, dynamicRange: dynamicRange)
        let (floor, range) = (main.floor, main.range)
        // The voicing band's, only where a voiced frame needs it.
        var lowBand: Band?
        func low() -> Band {
            if let lowBand { return lowBand }
            let band = Self.noise(&lowLevels, silenceFloor: silenceFloor, dynamicRange: dynamicRange)
            lowBand = band
            return band
        }
        /// Whether the frame is voiced (`voiced`, asked only when needed) and stands above the
        /// noise, in the speech band or in the voicing's own (where a low voice's first harmonics
        /// stand out of white or pink noise that the whole band's energy barely shows it above).
        func voicedAbove(start: Bool, share: Float, _ voiced: @autoclosure () -> Bool) -> Bool {
            if s > threshold(main, start: start, share: share) { return voiced() }
            return voiced() && sl > threshold(low(), start: start, share: share)
        }
        // What voiced frames must reach.
        let voicedStart = threshold(main, start: true, share: capShare)
        let voicedStop = threshold(main, start: false, share: capShare)
        // And for any frame, also a share of the way up to the speech level.
        let start = max(voicedStart, floor + startFraction * range)
        let stop = max(voicedStop, floor + stopFraction * range)
        defer { trace?(FrameDecision(frame: t, energy: s, floor: floor, level: floor + range, start: start, stop: stop, voicing: voicing[t], lowEnergy: sl, lowFloor: low().floor, speech: inSpeech)) }

        if !inSpeech {
            // Voicing starts speech too, a few dB above the noise: a quiet talker beside a loud
            // one (the level, and so the start threshold, are the loud one's). Where most of the
            // window is speech, the noise's "spread" is the speech's own and lifts voicedStart
            // far up the range; strong voicing needs only a smaller share of it.
            let voicedOnset = requireVoicing && (voicedAbove(start: true, share: capShare, isVoiced(t))
                || voicedAbove(start: true, share: Self.strongOnsetShare, isVoiced(t, threshold: Self.strongVoicing)))
            guard s > start || voicedOnset else { return }
            var b = t
            let limit = max(lastEnd, t - past, 0)
            while b > limit && smooth[b - 1] > stop { b -= 1 }
            // Smoothing leaks a frame of energy across each edge: place the edge on the raw frames.
            if b < t && raw[b] < stop { b += 1 }
            inSpeech = true
            regionStart = b
            silenceRun = 0
            regionEnergies.removeAll(keepingCapacity: true)
            regionVoiced.removeAll(keepingCapacity: true)
            for f in b...t {
                regionEnergies.append(smooth[f])
                regionVoiced.append(isVoiced(f))
            }
        } else {
            regionEnergies.append(s)
            let voiced = isVoiced(t)
            regionVoiced.append(voiced)
            // A voiced frame above the noise is no pause, however low its energy (weak vowels
            // at low SNR, a quiet speaker).
            // Nor is a strongly voiced one above the level that let it start speech: else a quiet
            // talker started by strong voicing under ``voicedStop`` counts as a pause from its
            // first frame and is closed, empty, after the minimum silence.
            let voicedSpeech = requireVoicing && voiced && (voicedAbove(start: false, share: capShare, true)
                || voicedAbove(start: false, share: Self.strongOnsetShare, isVoiced(t, threshold: Self.strongVoicing)))
            silenceRun = s < stop && !voicedSpeech ? silenceRun + 1 : 0
            // At low SNR a word's weak ending and the next one's onset sink under the noise, and
            // the pause between them looks longer than it is: the pause needed grows by up to
            // ``lowSNRPause`` as the speech level comes within 35 dB of the floor (all of it at 15 dB).
            let lowSNR = max(0, min(1, (Self.lowSNRRange.upperBound - range) / (Self.lowSNRRange.upperBound - Self.lowSNRRange.lowerBound)))
            if silenceRun >= minSilence + Int((lowSNR * Float(pauseAllowance)).rounded()) {
                var end = t + 1 - silenceRun
                if end - 1 > regionStart && raw[end - 1] < stop { end -= 1 }
                close(at: end, forced: false, emit: emit)
            } else if t + 1 - silenceRun - regionStart >= maxSegment {
                // Speech itself (not a pause still in progress) has reached the maximum.
                splitAtQuietest(emit: emit)
            }
        }
    }

    /// Above the noise by its own fluctuation, and at least the margin. Where the 25th
    /// percentile is already speech (a clean file), the "spread" is the dynamic range itself:
    /// the spread term is trusted only up to `share` of the range (the stop threshold's share
    /// in proportion to its spread).
    @inline(__always)
    private func threshold(_ band: Band, start: Bool, share: Float) -> Float {
        start ? band.floor + max(startMargin, min(startSpread * band.spread, share * band.range))
            : band.floor + max(stopMargin, min(stopSpread * band.spread, share * band.range * stopSpread / max(startSpread, 1e-6)))
    }

    typealias Band = (floor: Float, spread: Float, range: Float)

    /// The noise floor, the noise's spread and the range up to the speech level, in dB, from a
    /// window's percentiles (5th, 10th, 25th, 95th).
    private static func noise(_ levels: inout RollingPercentiles, silenceFloor: Float, dynamicRange: Float) -> Band {
        let level = levels.value(at: 3)
        let floor = max(levels.value(at: 1), silenceFloor, level - dynamicRange)
        return (floor, max(0, levels.value(at: 2) - levels.value(at: 0)), max(0, level - floor))
    }

    /// Whether frame `t` is voiced: inside a run of at least ``voicedRun`` consecutive frames
    /// whose voicing reaches the threshold (a lone periodic frame is a click or a rustle).
    private func isVoiced(_ t: Int, threshold: Float? = nil) -> Bool {
        let k = Self.voicedRun, threshold = threshold ?? voicedThreshold
        var run = 0
        for f in max(0, t - k + 1)...min(received - 1, t + k - 1) {
            run = voicing[f] >= threshold ? run + 1 : 0
            if run >= k && f >= t { return true }
            if f >= t && run == 0 { return false }
        }
        return false
    }

    /// Consecutive voiced frames that make voicing evidence: 60 ms (three measurements), a vowel.
    static let voicedRun = 6
    /// Voicing this clear (a vowel; noise and distant babble rarely hold it for 60 ms) may start
    /// speech at ``strongOnsetShare`` of the way from the floor to the speech level.
    static let strongVoicing: Float = 0.75
    static let strongOnsetShare: Float = 0.3
    /// Seconds a pause must grow by at low SNR (a weak word ending and a weak onset, up to
    /// 80 ms each), and the floor-to-speech range (dB) over which it does: none above the
    /// upper bound, all of it at the lower.
    static let lowSNRPause = 0.16
    static let lowSNRRange: ClosedRange<Float> = 15...35

    private mutating func close(at end: Int, forced: Bool, emit: (SpeechRegion) -> Void) {
        inSpeech = false
        silenceRun = 0
        if end - regionStart >= max(minSegment, 1) {
            emitVoiced(SpeechRegion(start: regionStart, end: end, forcedEnd: forced), voiced: regionVoiced[0..<min(regionVoiced.count, end - regionStart)],
                       energies: regionEnergies[0..<min(regionEnergies.count, end - regionStart)], emit: emit)
            lastEnd = end
        }
    }

    /// Emits the parts of `region` that are speech by their voicing: the stretch around its
    /// voiced frames, with ``SegmenterConfiguration/voicingMargin`` beside them. An unvoiced
    /// stretch is cut out only when it is long (``SegmenterConfiguration/unvoicedGap``) *and*
    /// steady, noise-like (its energy varies by under ``steadyLimit`` dB, where speech rises
    /// and falls with every syllable); unvoiced edges are trimmed when steady too, and otherwise
    /// kept no longer than ``SegmenterConfiguration/unvoicedGap``. A region
    /// with too little voicing is no speech at all. Without ``requireVoicing``, the region.
    private func emitVoiced(_ region: SpeechRegion, voiced: ArraySlice<Bool>, energies: ArraySlice<Float>, emit: (SpeechRegion) -> Void) {
        guard requireVoicing else { emit(region); return }
        let base = voiced.startIndex, ebase = energies.startIndex
        func steady(_ range: Range<Int>) -> Bool {
            guard range.count >= 10, range.upperBound <= energies.count else { return true }
            var sum: Float = 0, squares: Float = 0
            for i in range { let e = energies[ebase + i]; sum += e; squares += e * e }
            let n = Float(range.count), mean = sum / n
            return (squares / n - mean * mean).squareRoot() < Self.steadyLimit
        }
        var runs: [(first: Int, last: Int, count: Int)] = []
        for i in 0..<voiced.count where voiced[base + i] {
            if let last = runs.last, i - last.last <= unvoicedGap || !steady((last.last + 1)..<i) {
                runs[runs.count - 1].last = i
                runs[runs.count - 1].count += 1
            } else {
                runs.append((i, i, 1))
            }
        }
        let kept = runs.filter { $0.count >= max(1, minVoiced) }
        let length = region.end - region.start
        for (k, run) in kept.enumerated() {
            var first = max(0, run.first - voicingMargin), last = min(length, run.last + 1 + voicingMargin)
            // An unvoiced edge that is not steady may be a consonant, a breathy ending or speech
            // whose voicing the noise hides: kept, but no further than an unvoiced stretch
            // inside speech may run (``unvoicedGap``).
            let edge = max(voicingMargin, unvoicedGap)
            if k == 0 && !steady(0..<first) { first = max(0, run.first - edge) }
            if k == kept.count - 1 && !steady(last..<length) { last = min(length, run.last + 1 + edge) }
            guard last - first >= max(minSegment, 1) else { continue }
            emit(SpeechRegion(start: region.start + first, end: region.start + last, forcedEnd: region.forcedEnd && last == length))
        }
    }

    /// The most an unvoiced stretch's energy may vary (standard deviation, dB) to be taken for
    /// steady noise rather than speech.
    static let steadyLimit: Float = 2.5

    /// Cuts an overlong region where a 0.1 s stretch is quietest, keeping both parts at least
    /// the minimum segment long, and keeps the remainder open.
    private mutating func splitAtQuietest(emit: (SpeechRegion) -> Void) {
        let n = regionEnergies.count
        let lower = max(minSegment, 1), upper = min(n - max(minSegment, 1), maxSegment)
        var best = n / 2, bestPower = Float.infinity
        let w = splitWindow
        var power = ContiguousArray<Float>(repeating: 0, count: n + 1)
        for i in 0..<n { power[i + 1] = power[i] + Float.exp10(regionEnergies[i] / 10) }
        if lower < upper {
            for cut in lower...upper {
                let a = max(0, cut - w / 2), b = min(n, cut + (w + 1) / 2)
                let mean = (power[b] - power[a]) / Float(b - a)
                if mean < bestPower { bestPower = mean; best = cut }
            }
        }
        let cut = regionStart + best
        emitVoiced(SpeechRegion(start: regionStart, end: cut, forcedEnd: true), voiced: regionVoiced[0..<min(best, regionVoiced.count)],
                   energies: regionEnergies[0..<min(best, regionEnergies.count)], emit: emit)
        lastEnd = cut
        regionStart = cut
        regionEnergies.removeFirst(best)
        regionVoiced.removeFirst(min(best, regionVoiced.count))
    }
}
