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
    /// The high-pass: a one-pole section (y = x - x[-1] + p y[-1]) and a two-pole Butterworth one.
    private var onePole = Biquad.identity, twoPole = Biquad.identity

    /// Samples of the analysis rate averaged into one pitch-rate sample.
    static let factor = 4
    /// The pitch range, Hz.
    static let pitch = 60.0...400.0
    /// The high-pass's cutoff, Hz.
    static let highPass = 150.0

    init(analysisRate: Double, hopSamples: Int) {
        self.hopSamples = hopSamples
        let rate = analysisRate / Double(Self.factor)
        window = max(16, Int((0.030 * rate).rounded()))
        minLag = max(2, Int((rate / Self.pitch.upperBound).rounded(.down)))
        maxLag = max(minLag + 2, Int((rate / Self.pitch.lowerBound).rounded(.up)))
        mains = Int((rate / 62.5).rounded(.down))..<(Int((rate / 57.5).rounded(.up)) + 1)
        span = window + maxLag + 2
        ring = [Float](repeating: 0, count: 2 * span)
        let pole = Float(1 - 2 * Double.pi * Self.highPass / rate)
        onePole = Biquad(b0: 1, b1: -1, b2: 0, a1: -pole, a2: 0)
        twoPole = Biquad.highPass(cutoff: Self.highPass, rate: rate, q: 0.707_106_8)
    }

    /// Feeds analysis-rate samples; appends one voicing value (0 to 1) per completed frame.
    mutating func feed(_ samples: ArraySlice<Float>, into out: inout [Float]) {
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
                    out.append(last)
                }
            }
        }
    }

    /// Averages samples in fours, high-passes them and writes the results into the ring.
    private mutating func push(_ samples: UnsafeBufferPointer<Float>) {
        var state = PushState(sum: groupSum, count: groupCount, head: head, onePole: onePole, twoPole: twoPole, written: 0)
        let span = span
        ring.withUnsafeMutableBufferPointer { r in Self.push(samples, into: r.baseAddress!, span: span, state: &state) }
        groupSum = state.sum
        groupCount = state.count
        head = state.head
        onePole = state.onePole
        twoPole = state.twoPole
        filled += state.written
    }

    struct PushState {
        var sum: Float, count: Int, head: Int, onePole: Biquad, twoPole: Biquad, written: Int
    }

    /// The loop of ``push(_:)``, on plain values so they stay in registers.
    private static func push(_ samples: UnsafeBufferPointer<Float>, into r: UnsafeMutablePointer<Float>, span: Int, state: inout PushState) {
        var sum = state.sum, count = state.count, h = state.head, onePole = state.onePole, twoPole = state.twoPole, written = 0
        let scale = 1 / Float(factor)
        @inline(__always) func emit(_ v: Float) {
            let y = twoPole.process(onePole.process(v))
            r[h] = y
            r[h + span] = y
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
        state = PushState(sum: sum, count: count, head: h, onePole: onePole, twoPole: twoPole, written: state.written + written)
    }

    /// The highest peak of the normalised autocorrelation over the pitch lags, for the newest window.
    private func measure() -> Float {
        guard filled >= span else { return 0 }
        return ring.withUnsafeBufferPointer { p -> Float in
            // The newest `span` samples are p[head ..< head + span]; the window is their last `window`.
            let base = p.baseAddress! + head + span - window
            var e0: Float = 0
            for i in 0..<window { e0 += base[i] * base[i] }
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
