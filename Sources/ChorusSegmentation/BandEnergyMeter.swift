import RealModule

/// Turns interleaved samples into one energy value per frame, in dBFS, of the signal
/// band-limited to the speech band.
///
/// A 4th-order Butterworth high-pass (two biquads) removes hum, rumble and DC; a 2nd-order
/// low-pass removes hiss above the band. Channels are mixed to their mean, or one is picked.
/// A full-scale sine reads about -3 dBFS. Allocation-free per sample.
struct BandEnergyMeter {
    let channels: Int
    let channel: Int?
    let hop: Int
    private var highA = Biquad.identity
    private var highB = Biquad.identity
    private var low = Biquad.identity
    private let useLow: Bool
    private var sum: Double = 0
    private var count = 0

    init(sampleRate: Int, channels: Int, channel: Int?, hop: Int, bandLow: Double, bandHigh: Double) {
        self.channels = channels
        self.channel = channel
        self.hop = hop
        let rate = Double(sampleRate)
        if bandLow > 0 && bandLow < 0.45 * rate {
            highA = Biquad.highPass(cutoff: bandLow, rate: rate, q: 0.541_196_1)
            highB = Biquad.highPass(cutoff: bandLow, rate: rate, q: 1.306_563)
        }
        useLow = bandHigh < 0.45 * rate
        if useLow { low = Biquad.lowPass(cutoff: bandHigh, rate: rate, q: 0.707_106_8) }
    }

    /// Feeds frames; appends each completed frame's energy in dBFS (floored at -140) to `energies`.
    mutating func feed(_ samples: UnsafeBufferPointer<Float>, into energies: inout [Float]) {
        let frames = samples.count / channels
        var i = 0
        var ha = highA, hb = highB, lp = low
        var acc = sum, n = count
        let scale = 1.0 / Double(channels)
        while i < frames {
            let take = min(hop - n, frames - i)
            for k in i..<(i + take) {
                var x: Double
                if channels == 1 {
                    x = Double(samples[k])
                } else if let channel {
                    x = Double(samples[k * channels + channel])
                } else {
                    var m: Float = 0
                    let base = k * channels
                    for c in 0..<channels { m += samples[base + c] }
                    x = Double(m) * scale
                }
                x = hb.process(ha.process(x))
                if useLow { x = lp.process(x) }
                acc += x * x
            }
            i += take
            n += take
            if n == hop {
                // A full-scale sine through the band reads -3 dBFS; an RMS of 1 reads 0.
                energies.append(Float(max(-140, 10 * Double.log10(acc / Double(hop) + 1e-14))))
                acc = 0
                n = 0
            }
        }
        highA = ha; highB = hb; low = lp
        sum = acc; count = n
    }
}

/// A second-order IIR section in transposed direct form II (coefficients from the RBJ cookbook).
struct Biquad {
    var b0, b1, b2, a1, a2: Double
    var z1 = 0.0, z2 = 0.0

    static let identity = Biquad(b0: 1, b1: 0, b2: 0, a1: 0, a2: 0)

    @inline(__always)
    mutating func process(_ x: Double) -> Double {
        let y = b0 * x + z1
        z1 = b1 * x - a1 * y + z2
        z2 = b2 * x - a2 * y
        return y
    }

    static func highPass(cutoff: Double, rate: Double, q: Double) -> Biquad {
        let w = 2 * Double.pi * cutoff / rate
        let alpha = Double.sin(w) / (2 * q), c = Double.cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    static func lowPass(cutoff: Double, rate: Double, q: Double) -> Biquad {
        let w = 2 * Double.pi * cutoff / rate
        let alpha = Double.sin(w) / (2 * q), c = Double.cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }
}
