/// Changes playback speed without changing pitch by waveform-similarity overlap-add (WSOLA,
/// Verhelst and Roelands 1993): output is built from Hann-windowed frames at a fixed hop;
/// each frame is taken from the source near where the speed puts it, shifted within a small
/// tolerance to the place most like the natural continuation of the previous frame, so the
/// overlaps add up in phase.
///
/// Streaming: ``next(from:at:)`` makes one hop of output at a source position; ``reset()``
/// after a seek. Pure; one instance per playback stream.
public struct TimeStretcher: Sendable {
    public let channels: Int
    /// Output frames per step: half a frame.
    public let hop: Int
    let length: Int
    let tolerance: Int
    /// Correlation is computed on every `stride`-th frame of a mono mix (about 8 kHz).
    let stride: Int
    let window: [Float]
    var tail: [Float]
    var previous: Int?

    /// - Parameters: sampleRate in Hz; frames are 40 ms long, searched within ±12 ms.
    public init(sampleRate: Int, channels: Int) {
        self.channels = max(1, channels)
        var n = Int(Double(sampleRate) * 0.04)
        n += n % 2
        length = max(16, n)
        hop = length / 2
        tolerance = max(1, Int(Double(sampleRate) * 0.012))
        stride = max(1, sampleRate / 8000)
        // Periodic Hann: windows at half-frame hops sum to exactly 1.
        window = (0..<length).map { 0.5 - 0.5 * Float(cos(2 * Double.pi * Double($0) / Double(max(16, n)))) }
        tail = [Float](repeating: 0, count: hop * self.channels)
    }

    /// Forgets the previous frame: the next step starts afresh (after a seek or a speed change).
    public mutating func reset() {
        previous = nil
        for i in tail.indices { tail[i] = 0 }
    }

    /// One hop of output (``hop`` frames, interleaved) taken around source frame `position`.
    /// Frames past either end of `source` read as silence.
    public mutating func next(from source: [Float], at position: Int) -> [Float] {
        let frames = source.count / channels
        var start = position
        if let previous {
            let natural = previous + hop
            var best = -Float.infinity
            var offset = -tolerance
            while offset <= tolerance {
                let candidate = position + offset
                if candidate >= 0 && candidate + length <= frames {
                    let score = correlation(source, candidate, natural, frames)
                    if score > best { best = score; start = candidate }
                }
                offset += stride
            }
        }
        previous = start
        var out = [Float](repeating: 0, count: hop * channels)
        for n in 0..<length {
            let frame = start + n
            let w = window[n]
            for ch in 0..<channels {
                let x: Float = frame >= 0 && frame < frames ? source[frame * channels + ch] * w : 0
                if n < hop {
                    out[n * channels + ch] = tail[n * channels + ch] + x
                } else {
                    tail[(n - hop) * channels + ch] = x
                }
            }
        }
        return out
    }

    private func correlation(_ x: [Float], _ a: Int, _ b: Int, _ frames: Int) -> Float {
        var sum: Float = 0
        var n = 0
        while n < length {
            let i = a + n, j = b + n
            guard j >= 0 && j < frames else { break }
            var u: Float = 0, v: Float = 0
            for ch in 0..<channels {
                u += x[i * channels + ch]
                v += x[j * channels + ch]
            }
            sum += u * v
            n += stride
        }
        return sum
    }
}

#if canImport(Glibc)
import Glibc
#endif
