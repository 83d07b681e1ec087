import ChorusAudio
import ChorusSegmentation
import Foundation

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
    /// Each segment's speaker from diarization (``Diarization``), by index; empty without.
    public var speakers: [String?] = []
    /// Segments cut at a change of speaker, and segments left holding two speakers.
    public var speakerCuts = 0
    public var speakerOverlaps = 0
}

/// Decodes a file block by block and segments it as it goes.
public enum FileSegmenter {
    /// Samples (all channels) per decoded block: 512 KiB of floats, so memory stays small and
    /// constant while the decoding and analysing threads hand over a block only every few seconds of audio.
    public static let blockSamples = 131_072

    /// Whether `jobs` files at once (of `files`) leave a core free for each file's voicing thread.
    public static func coreToSpare(jobs: Int, files: Int) -> Bool {
        max(1, min(jobs, files)) < ProcessInfo.processInfo.activeProcessorCount
    }

    /// Frames per decoded block for a file of `channels` channels.
    public static func blockFrames(channels: Int) -> Int { max(1, blockSamples / channels) }

    /// Segments the file at `path`.
    /// - Parameter allowTruncated: segment what decodes when a file ends before its header says
    ///   it should (a recorder that died mid-take) or its data is damaged part way, with a
    ///   warning, instead of failing.
    /// - Parameter concurrent: measure voicing on a thread of its own beside the decoder's and the
    ///   caller's (``ChorusSegmentation/SilenceSegmenter/concurrent``); for a core that would
    ///   otherwise idle. The segments are the same either way.
    /// - Throws: ``ChorusAudio/AudioError`` for unreadable, damaged or truncated audio, and when the
    ///   configuration cannot work for this file (a channel it does not have).
    public static func segment(path: String, configuration: SegmenterConfiguration, allowTruncated: Bool = false, concurrent: Bool = false) throws -> FileSegmentation {
        try AudioReader.withReader(at: path) { reader in
            var segmenter: SilenceSegmenter
            do {
                segmenter = try SilenceSegmenter(configuration: configuration, sampleRate: reader.info.sampleRate, channels: reader.info.channels)
            } catch let error as SegmentationError {
                throw AudioError(code: .invalidArgument, path: path, message: error.message)
            }
            segmenter.concurrent = concurrent
            var segments: [Segment] = []
            var warnings: [String] = []
            do {
                try BlockPipeline(reader: reader, blockFrames: blockFrames(channels: reader.info.channels)).run { block in
                    segmenter.process(block) { segments.append($0) }
                }
            } catch let error as AudioError where error.code == .decode && allowTruncated {
                warnings.append("\(error.message); segmented what decoded before it")
            }
            if reader.framesRead == 0 && reader.info.declaredFrames == 0 {
                throw AudioError(code: .unreadable, path: path, message: "holds no audio (0 frames)")
            }
            if warnings.isEmpty, let shortfall = shortfall(reader) {
                guard allowTruncated else {
                    throw AudioError(code: .decode, path: path, message: "\(shortfall) (use --allow-truncated to segment what is there)")
                }
                warnings.append("\(shortfall); segmented what is there")
            }
            let summary = segmenter.finish { segments.append($0) }
            return FileSegmentation(path: path, info: reader.info, segments: segments, summary: summary, warnings: warnings)
        }
    }

    /// Describes how far short of its header a file's data ended, for containers whose header
    /// states the exact length; nil when it did not.
    static func shortfall(_ reader: AudioReader) -> String? {
        let exactLength = ["wav", "flac", "aiff", "au", "caf", "w64", "rf64"].contains(reader.info.containerExtension)
        let info = reader.info
        if exactLength && reader.framesRead < reader.info.declaredFrames {
            return "audio ends at \(info.timestamp(reader.framesRead)) but the header declares \(info.timestamp(info.declaredFrames)): truncated or damaged"
        }
        if reader.log.contains("should be") {
            return "the file is shorter than its header declares: truncated"
        }
        return nil
    }
}
