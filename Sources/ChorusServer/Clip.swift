import ChorusAudio
import Foundation

/// A held task's audio as the API sends it: the segment cut from its recording, mixed to
/// mono, encoded whole (FLAC by default, or Opus for slow and metered connections).
enum Clip {
    enum Format: String, CaseIterable, Sendable {
        case flac, opus, wav
        var mediaType: String {
            switch self {
            case .flac: "audio/flac"
            case .opus: "audio/ogg; codecs=opus"
            case .wav: "audio/wav"
            }
        }
    }

    /// Opus in Ogg takes these rates only; other recordings are sent at the nearest above.
    static let opusRates = [8_000, 12_000, 16_000, 24_000, 48_000]

    /// The encoded bytes of `path` from `start` to `end` seconds.
    /// - Throws: ``AudioError`` naming the file.
    static func encode(path: String, start: Double, end: Double, format: Format) throws -> Data {
        let span = try AudioReader.span(of: path, start: start, end: end)
        var mono = span.channels == 1 ? span.samples : stride(from: 0, to: span.samples.count, by: span.channels).map { i in
            var sum: Float = 0
            for c in 0..<span.channels { sum += span.samples[i + c] }
            return sum / Float(span.channels)
        }
        var rate = span.sampleRate
        if format == .opus, !opusRates.contains(rate) {
            let target = opusRates.first { $0 >= rate } ?? 48_000
            mono = try Resampler.resample(mono, channels: 1, from: rate, to: target)
            rate = target
        }
        // In memory, no temporary file; FLAC at its fastest level (speech compresses about as
        // well, at a fraction of the time).
        return try MemoryEncoder.encode(mono.map { min(1, max(-1, $0)) }, type: format == .opus ? .opus : format == .wav ? .wav : .flac,
                                        encoding: format == .opus ? .codec : .pcm16, sampleRate: rate, channels: 1,
                                        compressionLevel: format == .flac ? 0 : nil)
    }
}
