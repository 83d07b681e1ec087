import CSndFile
import Foundation

/// Encodes samples to an audio file's bytes in memory through libsndfile's virtual I/O
/// (`sf_open_virtual`): what a server sends, with no temporary file.
public enum MemoryEncoder {
    /// The growing buffer libsndfile writes into, with its position.
    private final class Sink {
        var bytes: [UInt8] = []
        var position = 0
    }

    /// The bytes of `samples` (interleaved) as a `type` file.
    /// - Parameter compressionLevel: 0 (fastest) to 1 (smallest), for FLAC, Vorbis and Opus.
    /// - Throws: ``AudioError`` `.unsupported` for a combination libsndfile cannot write.
    public static func encode(_ samples: [Float], type: AudioFileType, encoding: SampleEncoding, sampleRate: Int, channels: Int,
                              compressionLevel: Double? = nil) throws -> Data {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = Int32(AudioWriter.format(type: type, encoding: encoding))
        guard sampleRate > 0, channels > 0, sf_format_check(&info) == SF_TRUE else {
            throw AudioError(code: .unsupported, path: "(memory)", message: "libsndfile cannot write \(type.rawValue) with \(encoding.rawValue) samples at \(sampleRate) Hz, \(channels) channels")
        }
        let sink = Sink()
        var io = SF_VIRTUAL_IO(
            get_filelen: { user in sf_count_t(Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue().bytes.count) },
            seek: { offset, whence, user in
                let s = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
                let base = whence == SEEK_CUR ? s.position : whence == SEEK_END ? s.bytes.count : 0
                s.position = max(0, base + Int(offset))
                return sf_count_t(s.position)
            },
            read: { pointer, count, user in
                let s = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
                let n = max(0, min(Int(count), s.bytes.count - s.position))
                if n > 0 { s.bytes.withUnsafeBytes { pointer!.copyMemory(from: $0.baseAddress! + s.position, byteCount: n) } }
                s.position += n
                return sf_count_t(n)
            },
            write: { pointer, count, user in
                let s = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
                let n = Int(count)
                if s.position + n > s.bytes.count { s.bytes.append(contentsOf: repeatElement(0, count: s.position + n - s.bytes.count)) }
                s.bytes.withUnsafeMutableBytes { ($0.baseAddress! + s.position).copyMemory(from: pointer!, byteCount: n) }
                s.position += n
                return count
            },
            tell: { user in sf_count_t(Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue().position) })
        let user = Unmanaged.passUnretained(sink).toOpaque()
        guard let handle = sf_open_virtual(&io, Int32(SFM_WRITE), &info, user) else {
            throw AudioError(code: .write, path: "(memory)", message: "cannot encode: \(String(cString: sf_strerror(nil)))")
        }
        if var level = compressionLevel { sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) }
        var remaining = samples.count / channels
        let wrote = samples.withUnsafeBufferPointer { buffer -> Bool in
            guard var base = buffer.baseAddress else { return true }
            while remaining > 0 {
                let n = Int(sf_writef_float(handle, base, sf_count_t(remaining)))
                if n <= 0 { return false }
                remaining -= n
                base += n * channels
            }
            return true
        }
        let closed = sf_close(handle)
        withExtendedLifetime(sink) {}
        guard wrote, closed == 0 else { throw AudioError(code: .write, path: "(memory)", message: "cannot encode") }
        return Data(sink.bytes)
    }
}
