import RealModule

/// Turns interleaved samples into one mean power per frame of the signal band-limited to the
/// speech band.
///
/// Two passes per block, both free of allocation and of per-sample branches:
/// 1. Channels are mixed to their mean (or one is picked) and averaged over groups of
///    ``decimation`` frames, bringing any input down to an analysis rate near 8 kHz. The speech
///    band ends at 4 kHz, and the boxcar's nulls fall on the frequencies that would fold onto
///    DC, which the high-pass then removes.
/// 2. At the analysis rate, a 4th-order Butterworth high-pass (two biquads) removes hum,
///    rumble and DC, a 2nd-order low-pass removes hiss above the band where the analysis rate
///    still has room for it, and squares are summed per frame.
///
/// A recursive filter is a chain through time that a CPU cannot run in parallel, so the
/// filtering runs on chunks of ``chunkFrames`` frames, eight chunks at once in SIMD lanes,
/// each chunk starting from rest ``warmUp`` samples before it. The filters forget their past
/// far faster than that (the slowest pole at 200 Hz and 8 kHz decays by 2e-7 over 256
/// samples), so the result equals one continuous pass to within float rounding.
///
/// Groups, chunks and frames are counted from the start of the input, so the result does not
/// depend on how the input is cut into blocks. A full-scale sine in the band reads about 0.5.
struct BandEnergyMeter {
    /// Input frames averaged into one analysis sample.
    let decimation: Int
    /// Analysis samples per output frame.
    let hopSamples: Int
    /// Input frames per output frame: `decimation * hopSamples`.
    var hopFrames: Int { decimation * hopSamples }

    private let channels: Int
    private let channel: Int?
    private var highA = Biquad.identity, highB = Biquad.identity, low = Biquad.identity
    private let useLow: Bool
    private var groupSum: Float = 0
    private var groupCount = 0
    /// Analysis samples not yet filtered, preceded by `warmUp` samples of history (zeros at the start).
    private var pending = [Float](repeating: 0, count: BandEnergyMeter.warmUp)
    /// The analysis rate, Hz.
    let analysisRate: Double

    init(sampleRate: Int, channels: Int, channel: Int?, frameDuration: Double, bandLow: Double, bandHigh: Double) {
        self.channels = channels
        self.channel = channels == 1 ? nil : channel
        decimation = max(1, Int((Double(sampleRate) / 8000).rounded()))
        let rate = Double(sampleRate) / Double(decimation)
        hopSamples = max(1, Int((rate * frameDuration).rounded()))
        if bandLow > 0 && bandLow < 0.45 * rate {
            highA = Biquad.highPass(cutoff: bandLow, rate: rate, q: 0.541_196_1)
            highB = Biquad.highPass(cutoff: bandLow, rate: rate, q: 1.306_563)
        }
        useLow = bandHigh < 0.45 * rate
        if useLow { low = Biquad.lowPass(cutoff: bandHigh, rate: rate, q: 0.707_106_8) }
        analysisRate = rate
    }

    /// Pass 1 for a block of interleaved frames: its analysis-rate samples, written to the start
    /// of `scratch` (grown when needed), are returned as a count and kept for ``filter(into:)``.
    /// The voicing meter reads the same samples (``VoicingMeter/feed(_:into:)``).
    mutating func decimate(_ samples: UnsafeBufferPointer<Float>, into scratch: inout [Float]) -> Int {
        let produced = decimated(samples, into: &scratch)
        pending.append(contentsOf: scratch[0..<produced])
        return produced
    }

    /// Mixes and averages groups of `decimation` frames into `scratch`.
    private mutating func decimated(_ samples: UnsafeBufferPointer<Float>, into scratch: inout [Float]) -> Int {
        let frames = samples.count / channels
        let m = decimation
        let capacity = (frames + groupCount) / m + 1
        if scratch.count < capacity { scratch = [Float](repeating: 0, count: capacity) }
        let scale = 1 / Float(m * (channel == nil ? channels : 1))
        var sum = groupSum, count = groupCount
        var produced = 0
        scratch.withUnsafeMutableBufferPointer { out in
            guard let x = samples.baseAddress, let o = out.baseAddress else { return }
            /// Adds one frame's value to the current group and emits the group when it is complete.
            @inline(__always) func add(_ value: Float) {
                sum += value
                count += 1
                if count == m {
                    o[produced] = sum * scale
                    produced += 1
                    sum = 0
                    count = 0
                }
            }
            @inline(__always) func mixed(_ i: Int) -> Float {
                var v: Float = 0
                for k in 0..<channels { v += x[i * channels + k] }
                return v
            }
            if let c = channel {
                for i in 0..<frames { add(x[i * channels + c]) }
                return
            }
            // Finish a group begun in the previous block, then whole groups (contiguous runs
            // of m * channels samples, the fast path), then begin the next group.
            var i = 0
            while count != 0 && i < frames {
                add(mixed(i))
                i += 1
            }
            let width = m * channels
            let whole = (frames - i) / m
            var p = x + i * channels
            switch width {
            case 1:
                for g in 0..<whole { o[produced + g] = p[g] * scale }
            case 2:
                for g in 0..<whole { o[produced + g] = (p[2 * g] + p[2 * g + 1]) * scale }
            default:
                for g in 0..<whole {
                    var s: Float = 0
                    for k in 0..<width { s += p[k] }
                    o[produced + g] = s * scale
                    p += width
                }
            }
            produced += whole
            i += whole * m
            while i < frames {
                add(mixed(i))
                i += 1
            }
        }
        groupSum = sum
        groupCount = count
        return produced
    }

    /// Analysis samples each chunk starts from rest before its own samples.
    static let warmUp = 256
    /// Frames per chunk.
    static let chunkFrames = 16

    /// Chunks filtered at once, one per SIMD lane. Eight lanes fill two SSE registers, whose two
    /// independent chains a CPU overlaps: the filter is bound by latency, not arithmetic.
    static let lanes = 8

    /// Pass 2: band-filter whole groups of eight chunks of what ``decimate(_:into:)`` kept, and
    /// append each completed frame's mean power (linear) to `powers`.
    mutating func filter(into powers: inout [Float]) {
        let chunk = hopSamples * Self.chunkFrames
        var start = 0
        while pending.count - Self.warmUp - start >= Self.lanes * chunk {
            filterLanes(from: start, chunk: chunk, into: &powers)
            start += Self.lanes * chunk
        }
        if start > 0 { pending.removeFirst(start) }
    }

    /// Filters what is left at the end of the input, one chunk at a time; a last partial frame is dropped.
    mutating func finish(into powers: inout [Float]) {
        let chunk = hopSamples * Self.chunkFrames
        var start = 0
        while pending.count - Self.warmUp - start >= hopSamples {
            let length = min(chunk, (pending.count - Self.warmUp - start) / hopSamples * hopSamples)
            filterOne(from: start, length: length, into: &powers)
            start += length
        }
        pending.removeAll()
    }

    /// Eight consecutive chunks in SIMD lanes; lane l reads `warmUp + chunk` samples from `start + l * chunk`.
    private func filterLanes(from start: Int, chunk: Int, into powers: inout [Float]) {
        var ha = Biquad8(highA), hb = Biquad8(highB), lp = Biquad8(low)
        let frames = Self.chunkFrames
        var out = [Float](repeating: 0, count: Self.lanes * frames)
        let hop = hopSamples, warm = Self.warmUp
        let scale = 1 / Float(hop)
        pending.withUnsafeBufferPointer { p in
            let b = p.baseAddress! + start
            var acc = SIMD8<Float>(repeating: 0)
            var n = 0, frame = 0
            for i in 0..<(warm + chunk) {
                let x = SIMD8(
                    b[i], b[i + chunk], b[i + 2 * chunk], b[i + 3 * chunk],
                    b[i + 4 * chunk], b[i + 5 * chunk], b[i + 6 * chunk], b[i + 7 * chunk])
                var y = hb.process(ha.process(x))
                if useLow { y = lp.process(y) }
                guard i >= warm else { continue }
                acc += y * y
                n += 1
                if n == hop {
                    for l in 0..<Self.lanes { out[l * frames + frame] = acc[l] * scale }
                    frame += 1
                    acc = .zero
                    n = 0
                }
            }
        }
        powers += out
    }

    /// One chunk of `length` samples (a whole number of frames), scalar, for the end of the input.
    private func filterOne(from start: Int, length: Int, into powers: inout [Float]) {
        var ha = highA, hb = highB, lp = low
        let hop = hopSamples, warm = Self.warmUp
        let scale = 1 / Float(hop)
        pending.withUnsafeBufferPointer { p in
            var acc: Float = 0
            var n = 0
            for i in 0..<(warm + length) {
                var y = hb.process(ha.process(p[start + i]))
                if useLow { y = lp.process(y) }
                guard i >= warm else { continue }
                acc += y * y
                n += 1
                if n == hop {
                    powers.append(acc * scale)
                    acc = 0
                    n = 0
                }
            }
        }
    }
}

/// A second-order IIR section in direct form I (coefficients from the RBJ cookbook).
///
/// Direct form I keeps the feedback path to one multiply and one add per sample, which is
/// what bounds the speed of a recursive filter on a CPU without fused multiply-add.
struct Biquad {
    var b0, b1, b2, a1, a2: Float
    var x1: Float = 0, x2: Float = 0, y1: Float = 0, y2: Float = 0

    static let identity = Biquad(b0: 1, b1: 0, b2: 0, a1: 0, a2: 0)

    @inline(__always)
    mutating func process(_ x: Float) -> Float {
        // Everything but a1 * y1 is known before y1 is: only that product waits on the previous sample.
        let ahead = b0 * x + b1 * x1 + b2 * x2 - a2 * y2
        let y = ahead - a1 * y1
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return y
    }

    static func highPass(cutoff: Double, rate: Double, q: Double) -> Biquad {
        cookbook(frequency: cutoff, rate: rate, q: q) { c in ((1 + c) / 2, -(1 + c), (1 + c) / 2) }
    }

    /// A notch at `frequency`, `bandwidth` Hz wide between its -3 dB points.
    static func notch(frequency: Double, rate: Double, bandwidth: Double) -> Biquad {
        cookbook(frequency: frequency, rate: rate, q: frequency / bandwidth) { c in (1, -2 * c, 1) }
    }

    static func lowPass(cutoff: Double, rate: Double, q: Double) -> Biquad {
        cookbook(frequency: cutoff, rate: rate, q: q) { c in ((1 - c) / 2, 1 - c, (1 - c) / 2) }
    }

    /// A section of the Audio EQ Cookbook: its numerator from cos(w), all over a0 = 1 + alpha.
    private static func cookbook(frequency: Double, rate: Double, q: Double, numerator: (Double) -> (Double, Double, Double)) -> Biquad {
        let w = 2 * Double.pi * frequency / rate
        let alpha = Double.sin(w) / (2 * q), c = Double.cos(w), a0 = 1 + alpha
        let (b0, b1, b2) = numerator(c)
        return Biquad(
            b0: Float(b0 / a0), b1: Float(b1 / a0), b2: Float(b2 / a0),
            a1: Float(-2 * c / a0), a2: Float((1 - alpha) / a0))
    }
}

/// Eight independent copies of a biquad, one per SIMD lane.
struct Biquad8 {
    let b0, b1, b2, a1, a2: SIMD8<Float>
    var x1 = SIMD8<Float>(), x2 = SIMD8<Float>(), y1 = SIMD8<Float>(), y2 = SIMD8<Float>()

    init(_ q: Biquad) {
        b0 = SIMD8(repeating: q.b0); b1 = SIMD8(repeating: q.b1); b2 = SIMD8(repeating: q.b2)
        a1 = SIMD8(repeating: q.a1); a2 = SIMD8(repeating: q.a2)
    }

    @inline(__always)
    mutating func process(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let ahead = b0 * x + b1 * x1 + b2 * x2 - a2 * y2
        let y = ahead - a1 * y1
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return y
    }
}
