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

/// Streaming sample-rate conversion through libsoxr, for recordings too long to hold whole:
/// feed blocks with ``process(_:)``, then ``flush()`` for the filter's tail.
public final class StreamResampler {
    private let soxr: soxr_t
    private let channels: Int
    private let ratio: Double

    public init(channels: Int, from: Int, to: Int) throws {
        var error: soxr_error_t?
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        guard let made = soxr_create(Double(from), Double(to), UInt32(channels), &error, &io, &quality, nil), error == nil else {
            throw AudioError(code: .invalidArgument, path: "", message: "cannot resample from \(from) to \(to) Hz: \(error.map { String(cString: $0) } ?? "libsoxr failed")")
        }
        soxr = made
        self.channels = channels
        ratio = Double(to) / Double(from)
    }

    deinit { soxr_delete(soxr) }

    /// Resamples the next interleaved block; returns what is ready.
    public func process(_ samples: [Float]) throws -> [Float] {
        try run(samples, final: false)
    }

    /// The rest, once the input has ended.
    public func flush() throws -> [Float] {
        try run([], final: true)
    }

    private func run(_ samples: [Float], final: Bool) throws -> [Float] {
        var out: [Float] = []
        var offset = 0
        let frames = samples.count / channels
        let capacity = Int(Double(max(frames, 4096)) * ratio) + 1024
        var buffer = [Float](repeating: 0, count: capacity * channels)
        while true {
            var used = 0, done = 0
            let error: soxr_error_t? = samples.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { output in
                    if final {
                        return soxr_process(soxr, nil, 0, nil, output.baseAddress, capacity, &done)
                    }
                    return soxr_process(soxr, input.baseAddress.map { $0 + offset * channels }, frames - offset, &used,
                                        output.baseAddress, capacity, &done)
                }
            }
            if let error { throw AudioError(code: .invalidArgument, path: "", message: "resampling failed: \(String(cString: error))") }
            out += buffer[0..<(done * channels)]
            offset += used
            if final ? done == 0 : (offset >= frames && done < capacity) { break }
        }
        return out
    }
}
