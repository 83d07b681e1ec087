import ChorusSegmentation
import ChorusSupport

/// The JSON Lines manifest `chorus segment --dry-run` writes: one object per segment.
///
/// Keys, in this order: `file` (the path as given), `index` (0-based within the file),
/// `start`, `end`, `duration` (seconds, millisecond precision; `duration` is exactly
/// `end - start` as printed), `speech_start`, `speech_end` (before padding), and `speaker` when
/// diarization (`--rttm`) gave one.
public enum SegmentManifest {
    /// One manifest line, without the newline.
    public static func line(file: String, index: Int, segment: Segment, speaker: String? = nil) -> String {
        let start = milliseconds(segment.start), end = milliseconds(segment.end)
        return "{\"file\":\(jsonString(file)),\"index\":\(index),\"start\":\(decimal(start)),\"end\":\(decimal(end))"
            + ",\"duration\":\(decimal(end - start)),\"speech_start\":\(decimal(milliseconds(segment.speechStart)))"
            + ",\"speech_end\":\(decimal(milliseconds(segment.speechEnd)))"
            + (speaker.map { ",\"speaker\":\(jsonString($0))" } ?? "") + "}"
    }

    static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

    /// Milliseconds as seconds with three decimals, independent of locale.
    static func decimal(_ ms: Int) -> String {
        let sign = ms < 0 ? "-" : ""
        let m = abs(ms)
        let fraction = String(m % 1000)
        return "\(sign)\(m / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
    public static func jsonString(_ s: String) -> String { JSONText.string(s) }
}
