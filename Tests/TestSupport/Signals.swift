import Foundation

/// Builders of test signals with known speech regions. Deterministic: noise comes from a
/// seeded generator, so a test sees the same samples on every run.
public enum Signals {
    /// A speech-like burst: a harmonic series on a fundamental gliding `pitch` ± `swing` Hz
    /// (120–180 Hz unless told; harmonics up to 3.5 kHz, falling 6 dB per octave) under a 4 Hz
    /// syllable envelope that never falls below -12 dB, with 5 ms ramps. `level` is the peak in dBFS.
    public static func speech(seconds: Double, rate: Int, level: Double = -12, seed: UInt64 = 1, pitch: Double = 150, swing: Double = 30) -> [Float] {
        let n = Int(seconds * Double(rate))
        var out = [Float](repeating: 0, count: n)
        var phase = 0.0
        let amp = pow(10, level / 20)
        let ramp = max(1, Int(0.005 * Double(rate)))
        let offset = Double(seed % 7) * 0.11
        var norm = 0.0
        let f0max = 180.0
        for h in 1...Int(3500 / f0max) { norm += 1 / Double(h) }
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            let f0 = pitch + swing * sin(2 * .pi * 0.7 * t + offset)
            phase += 2 * .pi * f0 / Double(rate)
            var x = 0.0
            var h = 1
            while Double(h) * f0 < min(3500, Double(rate) / 2 * 0.9) {
                x += sin(Double(h) * phase) / Double(h)
                h += 1
            }
            let syllable = 0.625 + 0.375 * sin(2 * .pi * 4 * t + offset)
            var env = syllable
            if i < ramp { env *= Double(i) / Double(ramp) }
            if n - i < ramp { env *= Double(n - i) / Double(ramp) }
            out[i] = Float(amp * env * x / norm)
        }
        return out
    }

    /// Digital silence.
    public static func silence(seconds: Double, rate: Int) -> [Float] {
        [Float](repeating: 0, count: Int(seconds * Double(rate)))
    }

    /// Gaussian white noise at an RMS of `level` dBFS.
    public static func whiteNoise(count: Int, level: Double, seed: UInt64 = 42) -> [Float] {
        var rng = SplitMix(seed: seed)
        let sigma = pow(10, level / 20)
        return (0..<count).map { _ in Float(sigma * rng.gaussian()) }
    }

    /// Mains hum: `mains` Hz (50 unless told) and its next six harmonics, at an RMS of about `level` dBFS.
    public static func hum(count: Int, rate: Int, level: Double, mains: Double = 50) -> [Float] {
        let amp = pow(10, level / 20) * 1.1
        return (0..<count).map { i in
            let t = Double(i) / Double(rate)
            var x = 0.0
            for (k, a) in [1.0, 0.5, 0.35, 0.2, 0.12, 0.08, 0.05].enumerated() {
                x += a * sin(2 * .pi * mains * Double(k + 1) * t)
            }
            return Float(amp * x)
        }
    }

    /// Lays speech bursts and pauses end to end, starting and ending with a pause.
    /// - Parameter pattern: alternating pause and speech lengths in seconds: pause, speech, pause, ..., pause.
    /// - Returns: the samples and where each burst starts and ends, in seconds.
    public static func compose(rate: Int, pattern: [Double], level: Double = -12) -> (samples: [Float], speech: [(start: Double, end: Double)]) {
        var samples: [Float] = []
        var regions: [(Double, Double)] = []
        for (i, seconds) in pattern.enumerated() {
            if i % 2 == 0 {
                samples += silence(seconds: seconds, rate: rate)
            } else {
                let start = Double(samples.count) / Double(rate)
                samples += speech(seconds: seconds, rate: rate, level: level, seed: UInt64(i))
                regions.append((start, Double(samples.count) / Double(rate)))
            }
        }
        return (samples, regions)
    }

    /// Adds `noise` to `signal`, sample by sample.
    public static func mix(_ signal: [Float], _ noise: [Float]) -> [Float] {
        zip(signal, noise).map { $0 + $1 }
    }

    /// Interleaves equal-length channels into frames.
    public static func interleave(_ channels: [[Float]]) -> [Float] {
        let n = channels.map(\.count).min() ?? 0
        var out = [Float](repeating: 0, count: n * channels.count)
        for (c, channel) in channels.enumerated() {
            for i in 0..<n { out[i * channels.count + c] = channel[i] }
        }
        return out
    }

    /// A sine at `frequency` Hz and `amplitude` (peak, linear).
    public static func sine(frequency: Double, seconds: Double, rate: Int, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(seconds * Double(rate))).map { Float(amplitude * sin(2 * .pi * frequency * Double($0) / Double(rate))) }
    }
}

/// SplitMix64, with Box–Muller for Gaussian draws: small, seeded, portable.
public struct SplitMix {
    private var state: UInt64
    private var spare: Double?

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    public mutating func gaussian() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let u = uniform(), v = uniform()
        let r = (-2 * log(u)).squareRoot()
        spare = r * sin(2 * .pi * v)
        return r * cos(2 * .pi * v)
    }
}
