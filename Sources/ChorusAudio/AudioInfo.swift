/// What libsndfile says about an audio file once it is open.
public struct AudioInfo: Sendable, Hashable {
    /// Frames per second of audio.
    public var sampleRate: Int
    /// Interleaved channels per frame.
    public var channels: Int
    /// Frames the header declares. Exact for WAV and FLAC; an estimate for MP3, so readers
    /// count what they actually decode instead of trusting this for durations.
    public var declaredFrames: Int64
    /// The container, as libsndfile names it (for example "WAV (Microsoft)", "FLAC (Free Lossless Audio Codec)").
    public var container: String
    /// The sample encoding, as libsndfile names it (for example "Signed 16 bit PCM").
    public var encoding: String
    /// The container's short name in lower case ("wav", "flac", "ogg", "mp3", ...).
    public var containerExtension: String

    public init(sampleRate: Int, channels: Int, declaredFrames: Int64, container: String, encoding: String, containerExtension: String) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.declaredFrames = declaredFrames
        self.container = container
        self.encoding = encoding
        self.containerExtension = containerExtension
    }

    /// A frame count as seconds with millisecond precision ("12.345 s"), for messages.
    public func timestamp(_ frames: Int64) -> String {
        let ms = frames * 1000 / Int64(max(sampleRate, 1))
        let fraction = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
    }

    /// Declared duration in seconds.
    public var declaredDuration: Double {
        sampleRate > 0 ? Double(declaredFrames) / Double(sampleRate) : 0
    }
}

/// A file type Chorus can write, each a libsndfile container with a sample encoding.
public enum AudioFileType: String, Sendable, CaseIterable {
    case wav, flac, ogg, opus, mp3

    /// The file name extension for this type.
    public var fileExtension: String { self == .opus ? "opus" : rawValue }
}

/// How samples are stored in a written file.
public enum SampleEncoding: String, Sendable, CaseIterable {
    /// 8-bit PCM (unsigned in WAV, as the format requires).
    case pcm8
    case pcm16, pcm24, pcm32
    /// 32-bit IEEE float.
    case float32
    /// The codec's own encoding, for lossy containers (Vorbis, Opus, MP3).
    case codec
}
