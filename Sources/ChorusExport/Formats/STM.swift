import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let stm = ExportFormat(rawValue: "stm")
}

struct STMWriter: FormatWriter {
    let format = ExportFormat.stm
    let needsAudio = true
    let takesOffsets = true
    let needsTargets = false
    let files = "`stm/<split>.stm`: NIST STM reference transcripts for sclite and other scorers."

    func write(_ context: inout ExportContext) throws { try context.stm() }
}

extension ExportContext {
    /// `stm/<split>.stm`: NIST segment time marks, one clip a waveform (its file name without
    /// extension, under `audio/<split>/`), sorted by waveform and time.
    func stm() throws {
        for (split, utterances) in splits {
            let folder = options.wholeRecordings ? "recordings" : "audio/\(split.rawValue)"
            var lines = [";; Chorus export: reference transcripts (\(corpus.sourceLanguage)); waveforms are \(folder)/<name>.\(options.audioType.fileExtension)"]
            let rows = utterances.map { u -> (waveform: String, offset: Double, line: String) in
                let s = span(u)
                let waveform = ((s.path as NSString).lastPathComponent as NSString).deletingPathExtension
                return (waveform, s.offset, "\(waveform) 1 \(speakerID(u)) \(Text.seconds(s.offset)) \(Text.seconds(s.offset + s.duration)) \(Text.oneLine(u.text))")
            }
            // By waveform, then by time (sclite's order).
            lines += rows.sorted { ($0.waveform, $0.offset) < ($1.waveform, $1.offset) }.map(\.line)
            try output.write("stm/\(split.rawValue).stm", lines.map { $0 + "\n" }.joined())
        }
    }
}
