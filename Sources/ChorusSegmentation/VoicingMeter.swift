import RealModule

/// How periodic the signal is in the range of the human voice's pitch, per frame: evidence of
/// speech that does not depend on level, so steady or slowly changing noise (hiss, fans, rain,
/// traffic, mains hum) reads near 0 however loud it is, while a voiced stretch of speech reads
/// near 1 even a few dB above the noise.
///
/// The analysis-rate samples (about 8 kHz) are averaged in fours to about 2 kHz, which keeps the
/// first harmonics, where voicing is strongest (the average's nulls fall on 2 and 4 kHz, so
/// little of the formants above folds down), and a third-order high-pass at 150 Hz takes away
/// DC and most of what lies below a voice's harmonics. Every other frame (20 ms apart) the
/// normalised autocorrelation of the last 30 ms is taken at lags from 2.5 ms to 16.7 ms (400
/// to 60 Hz pitch), and the voicing is its highest *peak* there: noise whose correlation only
/// decays with the lag (white, pink, brown) has no peak. The range reaches down to 60 Hz for
/// low and creaky voices (a man with a cold reads 63 to 73 Hz); their harmonics above 150 Hz
/// still repeat at the voice's period. Without the high-pass the longer lags let low sounds of
/// quiet rooms read as voiced (measured: AMI frame F1 0.817 to 0.805; 0.812 with it). A narrow
/// resonance (rumble 25 Hz wide at 90 to 120 Hz) is nearly periodic and still reads 0.4 to 0.6:
/// it is the energy band (from 200 Hz) that keeps it from being speech. Mains hum repeats at
/// 20 ms (50 Hz, outside the range) or 16.7 ms (60 Hz): peaks at lags of 57.5 to 62.5 Hz are
/// not counted.
///
/// Hum also hides a voice: its lines lie among a low voice's harmonics, and under 60 Hz hum
/// 10 dB below a man with a cold, 2 % of his frames read voiced instead of 17 %. So the quiet
/// moments are watched (``hum()``): where they repeat at the mains period, and not sooner as a
/// voice at 100 or 120 Hz would, notches on that mains' 2nd to 9th harmonics (4 Hz wide, 100 to
/// 450 Hz or 120 to 540 Hz) run from then on, and the voicing is the higher of the readings with and
/// without them (without, for a voice whose harmonics sit on the lines). Recordings without
/// hum never run the notches and pay nothing for them.
///
/// Noise that does not repeat still takes its share of every window's energy, and so of its
/// periodicity: a voice as loud as white noise reads half as voiced. Where the quiet moments
/// are aperiodic (not babble, not hum), the reading is raised by the share the noise takes
/// (``NoiseCorrection``): in a 52 s recording of two speakers, one with a cold, under white
/// noise 10 dB below their speech, 23 s of the speech was missed without it and 13 s with it.
///
/// Streaming and allocation-free after the first call; frames are counted from the start of the
/// input like the energy meter's, so the two stay paired.
struct VoicingMeter {
    /// Analysis samples per output frame (the energy meter's hop).
    let hopSamples: Int
    private let window: Int
    private let minLag: Int
    private let maxLag: Int
    /// Lags of 60 Hz mains hum's period, whose peaks are not counted.
    private let mains: Range<Int>
    /// The last `span` pitch-rate samples, each written twice (at i and i + span) so that the
    /// newest `span` are always one contiguous run ending at `head + span`.
    private let span: Int
    private var ring: [Float]
    private var head = 0
    private var filled = 0
    private var groupSum: Float = 0
    private var groupCount = 0
    private var sinceFrame = 0
    private var frames = 0
    private var last: Float = 0
    /// Sum of squares and count of the current frame's pitch-rate samples (its low-band power).
    private var frameSquares: Float = 0, frameSamples = 0
    /// The high-pass: a one-pole section (y = x - x[-1] + p y[-1]) and a two-pole Butterworth one.
    private var onePole = Biquad.identity, twoPole = Biquad.identity
    /// Notches on the harmonics of 50 Hz and of 60 Hz mains in the pitch band, run once hum has
    /// been heard (``hum``): the signal is then kept three ways in `ring` (as it is, without
    /// 50 Hz's lines, without 60 Hz's).
    private var notches: NotchPipeline
    private var notching = false
    /// One period of 50 Hz and of 60 Hz mains, in pitch-rate samples.
    private let mains50: Double, mains60: Double

    /// Samples of the analysis rate averaged into one pitch-rate sample.
    static let factor = 4
    /// The pitch range, Hz.
    static let pitch = 60.0...400.0
    /// The high-pass's cutoff, Hz.
    static let highPass = 150.0
    /// Each notch's width, Hz: mains frequency holds within a fraction of a hertz.
    static let notchWidth = 4.0

    init(analysisRate: Double, hopSamples: Int) {
        self.hopSamples = hopSamples
        let rate = analysisRate / Double(Self.factor)
        window = max(16, Int((0.030 * rate).rounded()))
        minLag = max(2, Int((rate / Self.pitch.upperBound).rounded(.down)))
        maxLag = max(minLag + 2, Int((rate / Self.pitch.lowerBound).rounded(.up)))
        mains = Int((rate / 62.5).rounded(.down))..<(Int((rate / 57.5).rounded(.up)) + 1)
        mains50 = rate / 50
        mains60 = rate / 60
        span = window + max(maxLag + 1, Int(mains50.rounded(.up))) + 1
        ring = [Float](repeating: 0, count: 3 * 2 * span)
        near50.reserveCapacity(quiet.count)
        near60.reserveCapacity(quiet.count)
        let pole = Float(1 - 2 * Double.pi * Self.highPass / rate)
        onePole = Biquad(b0: 1, b1: -1, b2: 0, a1: -pole, a2: 0)
        twoPole = Biquad.highPass(cutoff: Self.highPass, rate: rate, q: 0.707_106_8)
        func lines(_ mains: Double) -> [Biquad] {
            (2...(NotchPipeline.stages + 1)).map { k in
                Double(k) * mains < 0.45 * rate ? Biquad.notch(frequency: Double(k) * mains, rate: rate, bandwidth: Self.notchWidth) : .identity
            }
        }
        notches = NotchPipeline(lines(50) + lines(60))
    }

    /// Feeds analysis-rate samples; appends, per completed frame, its voicing (0 to 1) and the
    /// power of the band the voicing is read in.
    mutating func feed(_ samples: ArraySlice<Float>, into out: inout [FrameVoicing]) {
        samples.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                // Up to the end of the frame, in one run, then the frame's measure.
                let take = min(buffer.count - i, hopSamples - sinceFrame)
                push(UnsafeBufferPointer(rebasing: buffer[i..<(i + take)]))
                i += take
                sinceFrame += take
                if sinceFrame == hopSamples {
                    sinceFrame = 0
                    // Measured every other frame (20 ms apart, each over 30 ms): voicing changes
                    // no faster than that, and it halves the cost.
                    frames += 1
                    if frames % 2 == 1 { last = measure() }
                    out.append(FrameVoicing(periodicity: last, lowPower: frameSamples > 0 ? frameSquares / Float(frameSamples) : 0))
                    frameSquares = 0
                    frameSamples = 0
                }
            }
        }
    }

    /// Averages samples in fours, high-passes them and writes the results into the ring.
    private mutating func push(_ samples: UnsafeBufferPointer<Float>) {
        var state = PushState(sum: groupSum, count: groupCount, head: head, onePole: onePole, twoPole: twoPole, written: 0, squares: 0)
        let span = span, notching = notching
        ring.withUnsafeMutableBufferPointer { r in
            withUnsafeMutablePointer(to: &notches) { n in
                Self.push(samples, into: r.baseAddress!, span: span, notches: notching ? n : nil, state: &state)
            }
        }
        groupSum = state.sum
        groupCount = state.count
        head = state.head
        onePole = state.onePole
        twoPole = state.twoPole
        filled += state.written
        frameSquares += state.squares
        frameSamples += state.written
    }

    struct PushState {
        var sum: Float, count: Int, head: Int, onePole: Biquad, twoPole: Biquad, written: Int, squares: Float
    }

    /// The loop of ``push(_:)``, on plain values so they stay in registers.
    private static func push(_ samples: UnsafeBufferPointer<Float>, into r: UnsafeMutablePointer<Float>, span: Int, notches: UnsafeMutablePointer<NotchPipeline>?, state: inout PushState) {
        var sum = state.sum, count = state.count, h = state.head, onePole = state.onePole, twoPole = state.twoPole, written = 0
        var squares: Float = 0
        let scale = 1 / Float(factor)
        @inline(__always) func emit(_ v: Float) {
            let y = twoPole.process(onePole.process(v))
            r[h] = y
            squares += y * y
            r[h + span] = y
            if let notches {
                let (y50, y60) = notches.pointee.process(y)
                r[h + 2 * span] = y50
                r[h + 3 * span] = y50
                r[h + 4 * span] = y60
                r[h + 5 * span] = y60
            }
            h = h + 1 == span ? 0 : h + 1
            written += 1
        }
        var i = 0
        let n = samples.count
        // Finish a group begun before, then whole groups summed as a tree (no chain through
        // every sample), then begin the next.
        while count != 0 && i < n {
            sum += samples[i]
            count += 1
            i += 1
            if count == factor { emit(sum * scale); sum = 0; count = 0 }
        }
        while i + factor <= n {
            emit(((samples[i] + samples[i + 1]) + (samples[i + 2] + samples[i + 3])) * scale)
            i += factor
        }
        while i < n {
            sum += samples[i]
            count += 1
            i += 1
        }
        state = PushState(sum: sum, count: count, head: h, onePole: onePole, twoPole: twoPole, written: state.written + written, squares: state.squares + squares)
    }

    /// The highest peak of the normalised autocorrelation over the pitch lags, for the newest
    /// window: of the signal as it is, or without mains hum's lines where hum is heard.
    private mutating func measure() -> Float {
        guard filled >= span else { return 0 }
        let e = energy()
        let hum = self.hum(energy: e)
        if hum != 0 && !notching {
            // From here on the notches run; they ring up from rest for a block.
            notching = true
            notchingSince = measured
        }
        let plain = measure(view: 0, energy: e)
        noise.add(energy: e, voicing: plain)
        // (The ring's views are numbered as `hum` numbers the mains: 1 without 50 Hz's lines, 2 without 60 Hz's.)
        if notching && measured - notchingSince >= Self.humBlock && hum != 0 { return max(measure(view: hum), plain) }
        // Hum, even too weak to be heard as such, repeats: the correction's model is not its.
        return quietRepeats < Self.humPeriodicity / 2 ? min(1, plain * noise.correction(energy: e)) : plain
    }

    /// Which mains hum is heard now: 1 for 50 Hz, 2 for 60 Hz, 0 for none. Hum is steady and
    /// repeats at the mains period: it is heard when the quietest windows of the last blocks of
    /// ``humBlock`` measurements are that periodic (their median above ``humPeriodicity``),
    /// counting only blocks whose quietest window is near the quietest of all (a block of
    /// speech alone has no quiet, and a voice at 100, 120 or 150 Hz repeats at the mains period too).
    private mutating func hum(energy e: Float) -> Int {
        if e < quietest.energy {
            quietest = (e, humPeriodicity(period: mains50, energy: e), humPeriodicity(period: mains60, energy: e))
        }
        measured += 1
        if measured % Self.humBlock == 0 {
            quiet[(measured / Self.humBlock) % quiet.count] = quietest
            quietest = (.infinity, -2, -2)
            // (Digital silence is no floor: its energy is 0.)
            var floor = Float.infinity
            for q in quiet where q.energy > 0 { floor = min(floor, q.energy) }
            near50.removeAll(keepingCapacity: true)
            near60.removeAll(keepingCapacity: true)
            for q in quiet where q.energy > 0 && q.energy <= Self.nearFloor * floor {
                near50.append(q.r50)
                near60.append(q.r60)
            }
            if near50.isEmpty {
                heard = 0
                quietRepeats = 0
            } else {
                near50.sort()
                near60.sort()
                let r50 = near50[near50.count / 2], r60 = near60[near60.count / 2]
                heard = r60 > Self.humPeriodicity && r60 >= r50 ? 2 : r50 > Self.humPeriodicity ? 1 : 0
                quietRepeats = max(r50, r60)
            }
            if heard != 0 { mainsHeard = heard == 2 ? 60 : 50 }
        }
        return heard
    }

    /// The quietest window's energy in each of the last 20 blocks (`quiet`, 10 s) and in the
    /// current one (`quietest`), with its periodicity at the mains period (50 Hz, 60 Hz);
    /// infinite energy where a block has not been measured. `heard` is the verdict at the last
    /// block's end.
    private var quiet = [(energy: Float, r50: Float, r60: Float)](repeating: (.infinity, -2, -2), count: 20)
    private var quietest: (energy: Float, r50: Float, r60: Float) = (.infinity, -2, -2)
    private var heard = 0
    /// How periodic the quiet is at the mains period (the higher median of the two), at the last block's end.
    private var quietRepeats: Float = 0
    private var noise = NoiseCorrection(windows: 20 * humBlock, every: humBlock)
    /// The mains frequency whose hum was last heard, if any.
    private(set) var mainsHeard: Int?
    private var measured = 0, notchingSince = 0
    /// Scratch for the median, kept so that measuring does not allocate.
    private var near50: [Float] = [], near60: [Float] = []
    /// Measurements per block (0.5 s); how periodic the quiet must be to be hum; how much above
    /// the quietest block's a block's quietest energy may be and still count (6 dB).
    static let humBlock = 25
    static let humPeriodicity: Float = 0.5
    static let nearFloor: Float = 4

    /// The newest window's energy, as it is.
    private func energy() -> Float {
        ring.withUnsafeBufferPointer { p -> Float in
            let base = p.baseAddress! + head + span - window
            return Self.dot(base, base, window)
        }
    }

    /// How periodic the newest window is at one mains period, as hum is: its normalised
    /// autocorrelation there, or -1 where it also repeats at a half, third, fourth or fifth of
    /// it (a voice at 100, 120, 150 or 200 Hz repeats at the mains period too; hum, with its
    /// fundamental there, does not repeat sooner).
    /// `e0` is the window's energy (``energy()``).
    private func humPeriodicity(period: Double, energy e0: Float) -> Float {
        let r = correlation(at: period, energy: e0)
        guard r > Self.humPeriodicity else { return r }
        for k in 2...5 where correlation(at: period / Double(k), energy: e0) > Self.humPeriodicity { return -1 }
        return r
    }

    /// The highest normalised autocorrelation of the newest window, as it is (energy `e0`), at
    /// the whole lags either side of `lag`.
    private func correlation(at lag: Double, energy e0: Float) -> Float {
        let lags = Int(lag.rounded(.down))...Int(lag.rounded(.up))
        return ring.withUnsafeBufferPointer { p -> Float in
            let base = p.baseAddress! + head + span - window
            var best: Float = -2
            for lag in lags {
                let lagged = base - lag
                let e1 = Self.dot(lagged, lagged, window)
                if e0 > 0 && e1 > 0 { best = max(best, Self.dot(base, lagged, window) / (e0 * e1).squareRoot()) }
            }
            return best
        }
    }

    /// The highest peak for one of the ring's three views of the signal.
    /// `energy` is the window's energy where the caller has it (``energy()``, for view 0).
    private func measure(view: Int, energy: Float? = nil) -> Float {
        ring.withUnsafeBufferPointer { p -> Float in
            // The newest `span` samples are p[head ..< head + span]; the window is their last `window`.
            let base = p.baseAddress! + 2 * span * view + head + span - window
            let e0 = energy ?? Self.dot(base, base, window)
            guard e0 > 1e-12 * Float(window) else { return 0 }
            var best: Float = 0
            var previous: Float = -1, current: Float = -1
            // The lagged window's energy, slid one sample a lag.
            var e1: Float = 0
            let first = base - (minLag - 1)
            for i in 0..<window { e1 += first[i] * first[i] }
            // r at minLag - 1 ... maxLag + 1, a peak being no lower than both neighbours.
            for lag in (minLag - 1)...(maxLag + 1) {
                let lagged = base - lag
                if lag > minLag - 1 {
                    e1 += lagged[0] * lagged[0] - lagged[window] * lagged[window]
                }
                let cross = Self.dot(base, lagged, window)
                let r = e1 > 0 ? cross / (e0 * e1).squareRoot() : 0
                if lag > minLag, current >= previous, current >= r, current > best, !mains.contains(lag - 1) { best = current }
                previous = current
                current = r
            }
            return max(0, best)
        }
    }

    /// The dot product of `n` samples from `a` and `b`, eight lanes at a time.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            // (Multiply then add: addProduct's fused form is a library call per lane without FMA.)
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var sum = lanes.sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }
}

/// One frame's voicing, and the power of the band it is read in (about 150 Hz to 1 kHz, where
/// a voice's first harmonics are): evidence that stands out of white or pink noise when the
/// whole speech band's energy barely moves.
struct FrameVoicing {
    var periodicity: Float
    var lowPower: Float
}

/// How much uncorrelated noise lowers a window's periodicity, and so how much to raise it.
///
/// A periodic signal of energy S in noise of energy N that does not repeat (white, pink, a
/// fan) reads S / (S + N) of its periodicity at every lag: a voice as loud as the noise reads
/// half as voiced. With the noise's energy N estimated as the 10th percentile of the windows'
/// energies over the last 10 s, a window of energy E is raised by E / (E - N), up to twice.
/// Noise's own windows reach about twice that estimate, so nothing is raised below it, and
/// the factor rises gently (by half of E / N over 2) until it meets E / (E - N).
///
/// Noise that is itself partly periodic (babble) breaks the model: its loud moments would be
/// raised to voices. So the correction counts only as far as the noise is aperiodic: the mean
/// periodicity of the quiet windows (within 2 dB of that 10th percentile), averaged over a file
/// of the evaluation sets, is 0.27 to 0.30 in white and pink noise and 0.42 to 0.57 in 25 of
/// the 28 babble files (0.31 to 0.38 in three whose babble lies 20 dB under a short read
/// passage, where the correction applies in part); the correction
/// applies whole at or under ``aperiodic`` and not at all from ``periodic``. (Hum repeats
/// too; ``VoicingMeter`` leaves the correction out where the quiet does.) Where the noise
/// estimate lags (noise has just risen) E / N is large and little changes.
struct NoiseCorrection {
    /// Window energies (dB) and plain periodicities of the last `windows` measurements.
    private var energies: [Float], voicings: [Float]
    private var percentiles = RollingPercentiles(quantiles: [0.1])
    private var added = 0
    private let every: Int
    /// The noise's estimated energy (linear) and how much of the correction applies (0 to 1),
    /// recomputed every `every` measurements.
    private var noise: Float = 0, weight: Float = 0

    static let aperiodic: Float = 0.32
    static let periodic: Float = 0.40

    init(windows: Int, every: Int) {
        energies = [Float](repeating: 0, count: windows)
        voicings = [Float](repeating: 0, count: windows)
        self.every = every
    }

    mutating func add(energy: Float, voicing: Float) {
        let slot = added % energies.count
        if added >= energies.count { percentiles.remove(energies[slot]) }
        energies[slot] = SpeechDetector.decibels(energy)
        voicings[slot] = voicing
        percentiles.insert(energies[slot])
        added += 1
        if added % every == 0 {
            let p10 = percentiles.value(at: 0)
            noise = Float.exp10(p10 / 10)
            var sum: Float = 0, count = 0
            for i in 0..<min(added, energies.count) where energies[i] <= p10 + 2 {
                sum += voicings[i]
                count += 1
            }
            let mean = count > 0 ? sum / Float(count) : 1
            weight = max(0, min(1, (Self.periodic - mean) / (Self.periodic - Self.aperiodic)))
        }
    }

    /// The factor for a window of energy `energy`: 1 where nothing applies.
    func correction(energy: Float) -> Float {
        guard weight > 0, noise > 0 else { return 1 }
        let x = energy / noise
        let full = x <= 2 ? 1 : min(x / (x - 1), 1 + (x - 2) / 2)
        return 1 + weight * (full - 1)
    }
}

/// Two cascades of ``stages`` biquads (the notches on 50 Hz's harmonics, those on 60 Hz's),
/// run as one pipeline across SIMD lanes: at each sample every stage takes the output its
/// predecessor gave one sample before, so each cascade is one vector step a sample instead of
/// eight dependent ones, and its output comes ``stages`` - 1 samples (about 3.5 ms) late.
struct NotchPipeline {
    static let stages = 8
    private var filters: Biquad16
    /// Each stage's latest output.
    private var carry = SIMD16<Float>()

    init(_ stages: [Biquad]) {
        precondition(stages.count == 2 * Self.stages)
        filters = Biquad16(stages)
    }

    /// Takes the next sample; returns the sample ``stages`` - 1 before it without 50 Hz's lines
    /// and without 60 Hz's.
    @inline(__always)
    mutating func process(_ x: Float) -> (Float, Float) {
        let c = carry
        carry = filters.process(SIMD16(x, c[0], c[1], c[2], c[3], c[4], c[5], c[6], x, c[8], c[9], c[10], c[11], c[12], c[13], c[14]))
        return (carry[7], carry[15])
    }
}

/// Sixteen biquads, one per SIMD lane, each with its own coefficients.
struct Biquad16 {
    let b0, b1, b2, a1, a2: SIMD16<Float>
    var x1 = SIMD16<Float>(), x2 = SIMD16<Float>(), y1 = SIMD16<Float>(), y2 = SIMD16<Float>()

    init(_ q: [Biquad]) {
        b0 = SIMD16(q.map(\.b0)); b1 = SIMD16(q.map(\.b1)); b2 = SIMD16(q.map(\.b2))
        a1 = SIMD16(q.map(\.a1)); a2 = SIMD16(q.map(\.a2))
    }

    @inline(__always)
    mutating func process(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let y = b0 * x + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return y
    }
}
