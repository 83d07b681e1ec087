import ChorusAudio

/// A stretch of a recording held in memory for playback: a segment is at most a few tens of
/// seconds, so it is decoded whole when it comes on screen.
public struct AudioClip: Sendable {
    /// Interleaved samples in [-1, 1].
    public let samples: [Float]
    public let sampleRate: Int
    public let channels: Int

    public init(samples: [Float], sampleRate: Int, channels: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Frames in the clip.
    public var frames: Int { channels > 0 ? samples.count / channels : 0 }
    /// Seconds in the clip.
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Decodes `start..<end` seconds of `path`.
    /// - Throws: ``AudioError`` when the file cannot be read.
    public static func load(path: String, start: Double, end: Double) throws -> AudioClip {
        let span = try AudioReader.span(of: path, start: start, end: end)
        return AudioClip(samples: span.samples, sampleRate: span.sampleRate, channels: span.channels)
    }

    /// Peak level in dBFS of each of `columns` equal slices, for a waveform strip; -120 for silence.
    public func peaks(columns: Int) -> [Double] {
        guard columns > 0, frames > 0 else { return [] }
        return (0..<columns).map { column in
            let from = frames * column / columns, to = max(from + 1, frames * (column + 1) / columns)
            var peak: Float = 0
            for i in (from * channels)..<min(samples.count, to * channels) { peak = max(peak, abs(samples[i])) }
            return peak > 0 ? max(-120, 20 * Double(log10(peak))) : -120
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
