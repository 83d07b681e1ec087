/// File name extensions of audio files libsndfile reads, used when a directory is walked.
public enum AudioFileExtensions {
    /// Lower-case extensions without the dot.
    public static let readable: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "au", "snd",
        "caf", "w64", "rf64", "sph", "nist", "voc", "mat", "mat4", "mat5", "pvf", "xi", "htk",
        "sds", "avr", "sd2", "wve", "mpc", "paf", "iff", "svx",
    ]

    /// Whether a path's extension names a readable audio file (case-insensitive).
    public static func isAudio(path: String) -> Bool {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return readable.contains(name[name.index(after: dot)...].lowercased())
    }
}
