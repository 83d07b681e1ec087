import ChorusAudio
import Foundation

/// Temporary folders and audio files written through libsndfile, for tests.
public enum Fixtures {
    /// The package's root folder (where Package.swift is).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The sample corpus folder.
    public static var corpus: String { packageRoot + "/Corpora/sample" }

    /// A new empty folder under the system's temporary folder.
    public static func scratch(_ label: String = "chorus-test") throws -> String {
        var template = Array((NSTemporaryDirectory() + "/\(label)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    /// Writes interleaved `samples` to `path` through libsndfile.
    @discardableResult
    public static func write(
        _ samples: [Float], to path: String, rate: Int, channels: Int = 1,
        type: AudioFileType = .wav, encoding: SampleEncoding = .pcm16
    ) throws -> String {
        try AudioWriter.withWriter(path: path, type: type, encoding: encoding, sampleRate: rate, channels: channels) {
            try $0.write(samples)
        }
        return path
    }

    /// Reads a whole file back as interleaved floats.
    public static func readAll(_ path: String) throws -> (info: AudioInfo, samples: [Float]) {
        try AudioReader.withReader(at: path) { reader in
            var all: [Float] = []
            var block = [Float](repeating: 0, count: 4096 * reader.info.channels)
            while true {
                let n = try block.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
                if n == 0 { break }
                all += block[0..<(n * reader.info.channels)]
            }
            return (reader.info, all)
        }
    }

    /// Writes text to a file.
    public static func writeText(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Cuts a file to `bytes` long.
    public static func truncate(_ path: String, to bytes: Int) throws {
        guard Foundation.truncate(path, off_t(bytes)) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Overwrites `count` bytes at `offset` with a fixed pattern that is not valid audio data.
    public static func corrupt(_ path: String, at offset: Int, count: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        var rng = SplitMix(seed: 7)
        handle.write(Data((0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
    }

    /// Size of a file in bytes.
    public static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
