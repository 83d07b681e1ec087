/// How periodic the signal is in the range of the human voice's pitch, per frame: evidence of
/// speech that does not depend on level, so steady or slowly changing noise (hiss, fans, rain,
/// traffic, mains hum) reads near 0 however loud it is, while a voiced stretch of speech reads
/// near 1 even a few dB above the noise.
///
/// The analysis-rate samples (about 8 kHz) are low-passed at 900 Hz (4th-order Butterworth, so
/// formants above it do not fold down) and taken one in four, to about 2 kHz, which keeps the
/// fundamental and the first harmonics, where voicing is strongest; DC is removed. For each
/// frame the normalised autocorrelation of the last 30 ms is taken at lags from 2.5 ms to
/// 12.5 ms (400 to 80 Hz pitch), and the frame's voicing is its highest *peak* there: noise
/// whose correlation only decays with the lag (pink, brown, low rumble) has no peak, and mains
/// hum (50 or 60 Hz, a period of 16.7 ms or more) lies outside the range.
///
/// Streaming and allocation-free after the first call; frames are counted from the start of the
/// input like the energy meter's, so the two stay paired.
struct VoicingMeter {
    /// Analysis samples per output frame (the energy meter's hop).
    let hopSamples: Int
    private let window: Int
    private let minLag: Int
    private let maxLag: Int
    /// The last `window + maxLag + 1` samples at the pitch rate, oldest first, in a ring.
    private var ring: [Float]
    private var written = 0
    private var groupCount = 0
    private var lowA: Biquad, lowB: Biquad
    private var sinceFrame = 0
    private var dcIn: Float = 0, dcOut: Float = 0
    private let dcPole: Float
    /// Scratch for one frame's samples in order.
    private var line: [Float]

    /// Samples of the analysis rate averaged into one pitch-rate sample.
    static let factor = 4

    init(analysisRate: Double, hopSamples: Int) {
        self.hopSamples = hopSamples
        let rate = analysisRate / Double(Self.factor)
        window = max(16, Int((0.030 * rate).rounded()))
        minLag = max(2, Int((rate / 400).rounded(.down)))
        maxLag = max(minLag + 2, Int((rate / 80).rounded(.up)))
        lowA = Biquad.lowPass(cutoff: 900, rate: analysisRate, q: 0.541_196_1)
        lowB = Biquad.lowPass(cutoff: 900, rate: analysisRate, q: 1.306_563)
        ring = [Float](repeating: 0, count: window + maxLag + 2)
        line = ring
        // A one-pole DC blocker at about 40 Hz.
        dcPole = Float(1 - 2 * Double.pi * 40 / rate)
    }

    /// Feeds analysis-rate samples; appends one voicing value (0 to 1) per completed frame.
    mutating func feed(_ samples: ArraySlice<Float>, into out: inout [Float]) {
        for x in samples {
            let low = lowB.process(lowA.process(x))
            groupCount += 1
            if groupCount == Self.factor {
                let v = low
                groupCount = 0
                // y[n] = x[n] - x[n-1] + p * y[n-1]
                let y = v - dcIn + dcPole * dcOut
                dcIn = v
                dcOut = y
                ring[written % ring.count] = y
                written += 1
            }
            sinceFrame += 1
            if sinceFrame == hopSamples {
                sinceFrame = 0
                out.append(measure())
            }
        }
    }

    /// The highest peak of the normalised autocorrelation over the pitch lags, for the newest window.
    private mutating func measure() -> Float {
        let n = ring.count
        guard written >= n else { return 0 }
        // The newest `n` samples in order into `line`.
        let start = written % n
        for i in 0..<n { line[i] = ring[(start + i) % n] }
        return line.withUnsafeBufferPointer { p -> Float in
            let base = p.baseAddress! + (n - window)
            var e0: Float = 0
            for i in 0..<window { e0 += base[i] * base[i] }
            guard e0 > 1e-12 * Float(window) else { return 0 }
            var best: Float = 0
            var previous: Float = -1, current: Float = -1
            // r at minLag - 1 ... maxLag + 1, a peak being no lower than both neighbours.
            for lag in (minLag - 1)...(maxLag + 1) {
                let lagged = base - lag
                var cross: Float = 0, e1: Float = 0
                for i in 0..<window {
                    cross += base[i] * lagged[i]
                    e1 += lagged[i] * lagged[i]
                }
                let r = e1 > 0 ? cross / (e0 * e1).squareRoot() : 0
                if lag > minLag, current >= previous, current >= r, current > best { best = current }
                previous = current
                current = r
            }
            return max(0, best)
        }
    }
}
