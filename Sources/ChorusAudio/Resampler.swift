import CSoxr
import Foundation

/// Sample-rate conversion through libsoxr (the SoX resampler) at its high-quality setting:
/// a linear-phase filter with 20-bit precision, pass band to 91.3 % of the lower Nyquist rate.
public enum Resampler {
    /// `samples` (interleaved, `channels` per frame) from `from` Hz to `to` Hz, whole.
    /// - Throws: ``AudioError`` `.invalidArgument` with libsoxr's message.
    public static func resample(_ samples: [Float], channels: Int, from: Int, to: Int) throws -> [Float] {
        guard from != to, !samples.isEmpty else { return samples }
        let inFrames = samples.count / channels
        let capacity = Int((Double(inFrames) * Double(to) / Double(from)).rounded(.up)) + 16
        var out = [Float](repeating: 0, count: capacity * channels)
        var done = 0
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        let error: soxr_error_t? = samples.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                soxr_oneshot(Double(from), Double(to), UInt32(channels), input.baseAddress, inFrames, nil,
                             output.baseAddress, capacity, &done, &io, &quality, nil)
            }
        }
        if let error {
            throw AudioError(code: .invalidArgument, path: "", message: "resampling from \(from) to \(to) Hz failed: \(String(cString: error))")
        }
        out.removeSubrange((done * channels)...)
        return out
    }
}
