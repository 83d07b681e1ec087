import ChorusAudio
import ChorusSegmentation

/// The segments of one audio file and what was learnt reading it.
public struct FileSegmentation: Sendable {
    /// The path as given.
    public var path: String
    /// What the header says.
    public var info: AudioInfo
    /// Segments in order.
    public var segments: [Segment]
    /// Durations, speech share, pauses.
    public var summary: SegmentationSummary
    /// Things worth a person's attention that did not stop the work (a header longer than the file).
    public var warnings: [String]
}

/// Decodes a file block by block and segments it as it goes.
public enum FileSegmenter {
    /// Frames per decoded block: a few thousand, so memory stays small and constant.
    public static let blockFrames = 8192

    /// Segments the file at `path`.
    /// - Throws: ``ChorusAudio/AudioError`` for unreadable or damaged audio; ``ChorusSegmentation/SegmentationError``
    ///   when the configuration cannot work for this file (a channel it does not have).
    public static func segment(path: String, configuration: SegmenterConfiguration) throws -> FileSegmentation {
        try AudioReader.withReader(at: path) { reader in
            var segmenter: SilenceSegmenter
            do {
                segmenter = try SilenceSegmenter(configuration: configuration, sampleRate: reader.info.sampleRate, channels: reader.info.channels)
            } catch let error as SegmentationError {
                throw AudioError(code: .invalidArgument, path: path, message: error.message)
            }
            var segments: [Segment] = []
            var buffer = [Float](repeating: 0, count: blockFrames * reader.info.channels)
            try buffer.withUnsafeMutableBufferPointer { block in
                while true {
                    let frames = try reader.read(into: block)
                    if frames == 0 { break }
                    segmenter.process(UnsafeBufferPointer(rebasing: block[0..<(frames * reader.info.channels)])) { segments.append($0) }
                }
            }
            let summary = segmenter.finish { segments.append($0) }
            return FileSegmentation(
                path: path, info: reader.info, segments: segments, summary: summary,
                warnings: warnings(reader: reader))
        }
    }

    static func warnings(reader: AudioReader) -> [String] {
        var out: [String] = []
        let exactLength = ["wav", "flac", "aiff", "au", "caf", "w64", "rf64"].contains(reader.info.containerExtension)
        if exactLength && reader.framesRead < reader.info.declaredFrames {
            out.append("header declares \(reader.info.declaredFrames) frames but only \(reader.framesRead) could be read; the file looks truncated")
        } else if reader.log.contains("should be") || reader.log.lowercased().contains("truncat") {
            out.append("the file looks truncated (header length does not match the data); segmented what is there")
        }
        if reader.framesRead == 0 { out.append("the file holds no audio frames") }
        return out
    }
}
