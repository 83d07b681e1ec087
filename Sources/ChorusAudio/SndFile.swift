import CSndFile
import ChorusSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every sf_* call in Chorus lives in this file.

/// Reads an audio file through libsndfile, block by block, as interleaved 32-bit floats in [-1, 1].
///
/// Owns one `SNDFILE*`, closed in `deinit`; prefer the scoped ``withReader(at:_:)``.
public final class AudioReader {
    /// The path as the caller gave it.
    public let path: String
    /// Rate, channels, container and encoding from the header.
    public let info: AudioInfo
    /// Frames decoded so far.
    public private(set) var framesRead: Int64 = 0
    private var handle: OpaquePointer?

    /// Opens `path` for reading (`sf_open` with `SFM_READ`).
    /// - Throws: ``AudioError`` with code `.notFound`, `.unreadable` or `.unsupported`, carrying `sf_strerror`'s text.
    public init(path: String) throws {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw AudioError(code: .notFound, path: path, message: "no such file")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw AudioError(code: .unreadable, path: path, message: "is a directory, not an audio file")
        }
        if st.st_size == 0 {
            throw AudioError(code: .unreadable, path: path, message: "file is empty (0 bytes)")
        }
        var sfinfo = SF_INFO()
        guard let opened = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            let cause = sndMessage(sf_strerror(nil))
            let unsupported = cause.lowercased().contains("not supported") || cause.lowercased().contains("unsupported")
            throw AudioError(
                code: unsupported ? .unsupported : .unreadable, path: path,
                message: "cannot open as audio: \(cause)", cause: cause)
        }
        handle = opened
        guard sfinfo.channels > 0, sfinfo.samplerate > 0 else {
            sf_close(opened)
            handle = nil
            throw AudioError(code: .unreadable, path: path, message: "header declares \(sfinfo.channels) channels at \(sfinfo.samplerate) Hz")
        }
        let major = Int(sfinfo.format) & Int(SF_FORMAT_TYPEMASK)
        let sub = Int(sfinfo.format) & Int(SF_FORMAT_SUBMASK)
        info = AudioInfo(
            sampleRate: Int(sfinfo.samplerate),
            channels: Int(sfinfo.channels),
            declaredFrames: Int64(sfinfo.frames),
            container: SndFormatNames.name(major: major, command: SFC_GET_FORMAT_MAJOR, count: SFC_GET_FORMAT_MAJOR_COUNT),
            encoding: SndFormatNames.name(major: sub, command: SFC_GET_FORMAT_SUBTYPE, count: SFC_GET_FORMAT_SUBTYPE_COUNT),
            containerExtension: SndFormatNames.extensionName(major: major))
    }

    deinit { close() }

    /// Closes the file now (`sf_close`); later reads return 0 frames.
    public func close() {
        if let handle { sf_close(handle) }
        handle = nil
    }

    /// Opens `path`, runs `body`, and closes the file on every path out.
    public static func withReader<T>(at path: String, _ body: (AudioReader) throws -> T) throws -> T {
        let reader = try AudioReader(path: path)
        defer { reader.close() }
        return try body(reader)
    }

    /// Decodes up to `buffer.count / channels` frames into `buffer`, interleaved (`sf_readf_float`).
    /// - Returns: frames decoded; 0 at the end of the file.
    /// - Throws: ``AudioError`` `.decode` when libsndfile reports an error in the data.
    public func read(into buffer: UnsafeMutableBufferPointer<Float>) throws -> Int {
        guard let handle, let base = buffer.baseAddress else { return 0 }
        let want = buffer.count / info.channels
        guard want > 0 else { return 0 }
        let got = Int(sf_readf_float(handle, base, sf_count_t(want)))
        let err = sf_error(handle)
        if err != 0 {
            let cause = sndMessage(sf_strerror(handle))
            throw AudioError(
                code: .decode, path: path,
                message: "audio data is damaged after \(info.timestamp(framesRead)) (libsndfile: \(cause))", cause: cause)
        }
        framesRead += Int64(got)
        return got
    }

    /// Moves to `frame` from the start (`sf_seek` with `SEEK_SET`); the next read starts there.
    /// - Throws: ``AudioError`` `.decode` when the file cannot seek there.
    public func seek(toFrame frame: Int64) throws {
        guard let handle else { return }
        if sf_seek(handle, sf_count_t(frame), SEEK_SET) < 0 {
            let cause = sndMessage(sf_strerror(handle))
            throw AudioError(code: .decode, path: path, message: "cannot seek to \(info.timestamp(frame)) (libsndfile: \(cause))", cause: cause)
        }
        framesRead = frame
    }

    /// libsndfile's log for this file (`SFC_GET_LOG_INFO`): header warnings such as a data
    /// length that runs past the end of the file.
    public var log: String {
        guard let handle else { return "" }
        var bytes = [CChar](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { raw in
            sf_command(handle, Int32(SFC_GET_LOG_INFO), raw.baseAddress, Int32(raw.count))
        }
        guard n > 0 else { return "" }
        return String(decoding: bytes.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension AudioReader {
    /// The samples of `path` from `start` to `end` seconds (interleaved, as many channels as
    /// the file), shorter when the file ends first.
    /// - Throws: ``AudioError`` naming the file.
    public static func span(of path: String, start: Double, end: Double) throws -> (samples: [Float], sampleRate: Int, channels: Int) {
        try withReader(at: path) { reader in
            let rate = reader.info.sampleRate, channels = reader.info.channels
            let first = max(0, Int64((start * Double(rate)).rounded()))
            let wanted = max(0, Int((end * Double(rate)).rounded()) - Int(first))
            try reader.seek(toFrame: first)
            var samples = [Float](repeating: 0, count: wanted * channels)
            var filled = 0
            while filled < wanted {
                let got = try samples.withUnsafeMutableBufferPointer { all in
                    try reader.read(into: UnsafeMutableBufferPointer(rebasing: all[(filled * channels)...]))
                }
                if got == 0 { break }
                filled += got
            }
            samples.removeLast((wanted - filled) * channels)
            return (samples, rate, channels)
        }
    }
}

/// Writes an audio file through libsndfile to a temporary name, renamed into place by ``finish()``.
///
/// A writer that is never finished removes its temporary file, so a failed run leaves no half-written output.
public final class AudioWriter {
    /// The final path.
    public let path: String
    /// Frames per second.
    public let sampleRate: Int
    /// Interleaved channels per frame.
    public let channels: Int
    /// Where it is written first (see ``Replacement``).
    private let replacement: Replacement
    private var handle: OpaquePointer?

    /// Creates the writer (`sf_open` with `SFM_WRITE`, after `sf_format_check`).
    /// - Parameter compressionLevel: 0 (fastest) to 1 (smallest), for FLAC, Vorbis and Opus.
    public init(path: String, type: AudioFileType, encoding: SampleEncoding, sampleRate: Int, channels: Int, compressionLevel: Double? = nil) throws {
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        guard sampleRate > 0, channels > 0 else {
            throw AudioError(code: .invalidArgument, path: path, message: "cannot write \(channels) channels at \(sampleRate) Hz")
        }
        var sfinfo = SF_INFO()
        sfinfo.samplerate = Int32(sampleRate)
        sfinfo.channels = Int32(channels)
        sfinfo.format = Int32(Self.format(type: type, encoding: encoding))
        guard sf_format_check(&sfinfo) == SF_TRUE else {
            throw AudioError(code: .unsupported, path: path, message: "libsndfile cannot write \(type.rawValue) with \(encoding.rawValue) samples at \(sampleRate) Hz, \(channels) channels")
        }
        do { replacement = try Replacement(path: path) } catch {
            throw AudioError(code: .write, path: path, message: error.message)
        }
        guard let opened = sf_open(replacement.writePath, Int32(SFM_WRITE), &sfinfo) else {
            let cause = sndMessage(sf_strerror(nil))
            throw AudioError(code: .write, path: path, message: "cannot create: \(cause)", cause: cause)
        }
        handle = opened
        if var level = compressionLevel {
            sf_command(opened, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
        }
    }

    deinit {
        if let handle {
            sf_close(handle)
            replacement.discard()
        }
    }

    /// Writes interleaved frames; loops until every frame is written (`sf_writef_float`).
    public func write(_ samples: UnsafeBufferPointer<Float>) throws {
        guard let handle, var base = samples.baseAddress else { return }
        var remaining = samples.count / channels
        while remaining > 0 {
            let wrote = Int(sf_writef_float(handle, base, sf_count_t(remaining)))
            if wrote <= 0 {
                let cause = sndMessage(sf_strerror(handle))
                throw AudioError(code: .write, path: path, message: "write failed: \(cause)", cause: cause)
            }
            remaining -= wrote
            base += wrote * channels
        }
    }

    /// Writes interleaved frames from an array.
    public func write(_ samples: [Float]) throws {
        try samples.withUnsafeBufferPointer { try write($0) }
    }

    /// Closes the file and renames it into place (`sf_close`, then `rename`).
    public func finish() throws {
        guard let handle else { return }
        self.handle = nil
        let status = sf_close(handle)
        guard status == 0 else {
            replacement.discard()
            throw AudioError(code: .write, path: path, message: "closing failed: \(sndMessage(sf_error_number(status)))")
        }
        do { try replacement.commit() } catch {
            throw AudioError(code: .write, path: path, message: error.message)
        }
    }

    /// Opens a writer, runs `body`, and finishes it; on a throw the temporary file is removed.
    public static func withWriter(path: String, type: AudioFileType, encoding: SampleEncoding, sampleRate: Int, channels: Int, _ body: (AudioWriter) throws -> Void) throws {
        let writer = try AudioWriter(path: path, type: type, encoding: encoding, sampleRate: sampleRate, channels: channels)
        try body(writer)
        try writer.finish()
    }

    /// Whether this build of libsndfile can write `type` with `encoding` (`sf_format_check`).
    public static func canWrite(type: AudioFileType, encoding: SampleEncoding, sampleRate: Int = 16_000, channels: Int = 1) -> Bool {
        var sfinfo = SF_INFO()
        sfinfo.samplerate = Int32(sampleRate)
        sfinfo.channels = Int32(channels)
        sfinfo.format = Int32(format(type: type, encoding: encoding))
        return sf_format_check(&sfinfo) == SF_TRUE
    }

    static func format(type: AudioFileType, encoding: SampleEncoding) -> Int {
        let major: Int
        var sub: Int
        switch type {
        case .wav: major = Int(SF_FORMAT_WAV)
        case .flac: major = Int(SF_FORMAT_FLAC)
        case .ogg, .opus: major = Int(SF_FORMAT_OGG)
        case .mp3: major = Int(SF_FORMAT_MPEG)
        }
        switch encoding {
        case .pcm8: sub = type == .wav ? Int(SF_FORMAT_PCM_U8) : Int(SF_FORMAT_PCM_S8)
        case .pcm16: sub = Int(SF_FORMAT_PCM_16)
        case .pcm24: sub = Int(SF_FORMAT_PCM_24)
        case .pcm32: sub = Int(SF_FORMAT_PCM_32)
        case .float32: sub = Int(SF_FORMAT_FLOAT)
        case .codec: sub = 0
        }
        switch type {
        case .ogg: sub = Int(SF_FORMAT_VORBIS)
        case .opus: sub = Int(SF_FORMAT_OPUS)
        case .mp3: sub = Int(SF_FORMAT_MPEG_LAYER_III)
        case .wav, .flac: if encoding == .codec { sub = Int(SF_FORMAT_PCM_16) }
        }
        return major | sub
    }
}

/// libsndfile's message text, without the trailing full stop and padding it sometimes has.
private func sndMessage(_ text: UnsafePointer<CChar>?) -> String {
    guard let text else { return "unknown error" }
    var s = Substring(String(cString: text))
    while let last = s.last, last == "." || last == " " || last == "\n" { s = s.dropLast() }
    return String(s)
}

/// Names of libsndfile's formats, from `SFC_GET_FORMAT_MAJOR` / `SFC_GET_FORMAT_SUBTYPE`.
enum SndFormatNames {
    static func name(major format: Int, command: Int, count: Int) -> String {
        var total: Int32 = 0
        sf_command(nil, Int32(count), &total, Int32(MemoryLayout<Int32>.size))
        for index in 0..<total {
            var entry = SF_FORMAT_INFO()
            entry.format = index
            guard sf_command(nil, Int32(command), &entry, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0 else { continue }
            if Int(entry.format) == format, let name = entry.name { return String(cString: name) }
        }
        return String(format, radix: 16)
    }

    static func extensionName(major format: Int) -> String {
        switch format {
        case Int(SF_FORMAT_WAV), Int(SF_FORMAT_WAVEX): "wav"
        case Int(SF_FORMAT_FLAC): "flac"
        case Int(SF_FORMAT_OGG): "ogg"
        case Int(SF_FORMAT_MPEG): "mp3"
        case Int(SF_FORMAT_AIFF): "aiff"
        case Int(SF_FORMAT_AU): "au"
        case Int(SF_FORMAT_CAF): "caf"
        case Int(SF_FORMAT_W64): "w64"
        case Int(SF_FORMAT_RF64): "rf64"
        case Int(SF_FORMAT_NIST): "sph"
        default: "audio"
        }
    }
}
