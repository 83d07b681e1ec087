import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let lhotse = ExportFormat(rawValue: "lhotse")
}

struct LhotseWriter: FormatWriter {
    let format = ExportFormat.lhotse
    let needsAudio = true
    let takesOffsets = true
    let needsTargets = false
    let files = "`lhotse/`: `lhotse.load_manifest(\"lhotse/recordings_train.jsonl.gz\")` and the supervisions beside it; audio paths relative to the corpus folder (load from there, or `.with_path_prefix(corpus)`)."

    func write(_ context: inout ExportContext) throws { try context.lhotse() }
}

extension ExportContext {
    /// `lhotse/recordings_<split>.jsonl.gz` and `supervisions_<split>.jsonl.gz` in Lhotse's
    /// manifest schema: a recording per clip, a supervision spanning it. Audio paths are relative
    /// to the corpus folder, which Lhotse resolves against the working folder: load from the
    /// corpus folder, or give the folder with `RecordingSet.with_path_prefix`.
    func lhotse() throws {
        for (split, utterances) in splits {
            var recordings: [String] = [], supervisions: [String] = []
            var written: Set<Int> = []
            func recording(id: String, path: String, frames: Int, channels: Int) -> String {
                let ids = "[" + (0..<channels).map(String.init).joined(separator: ", ") + "]"
                return Text.object([
                    ("id", Text.json(id)),
                    ("sources", "[" + Text.object([("type", Text.json("file")), ("channels", ids), ("source", Text.json(path))]) + "]"),
                    ("sampling_rate", String(options.sampleRate)), ("num_samples", String(frames)), ("duration", Text.json(Double(frames) / rate)),
                    ("channel_ids", ids),
                ]) + "\n"
            }
            for u in utterances {
                let r = corpus.recordings[u.recording]
                let recordingID = options.wholeRecordings ? r.key : u.id
                if !options.wholeRecordings {
                    recordings.append(recording(id: u.id, path: u.audioPath, frames: u.frames, channels: r.channels))
                } else if written.insert(u.recording).inserted {
                    recordings.append(recording(id: r.key, path: r.audioPath, frames: r.frames, channels: r.channels))
                }
                let s = span(u)
                supervisions.append(Text.object([
                    ("id", Text.json(u.id)), ("recording_id", Text.json(recordingID)), ("start", Text.json(s.offset)), ("duration", Text.json(s.duration)),
                    ("channel", r.channels == 1 ? "0" : "[" + (0..<r.channels).map(String.init).joined(separator: ", ") + "]"), ("text", Text.json(u.text)), ("language", Text.json(corpus.sourceLanguage)),
                    ("speaker", Text.json(speakerID(u))),
                    ("custom", Text.object([("translations", translations(u)), ("speaker_name", u.speakerName.map(Text.json))] + source(u))),
                ]) + "\n")
            }
            try output.write("lhotse/recordings_\(split.rawValue).jsonl.gz", try Gzip.compress(Data(recordings.joined().utf8)))
            try output.write("lhotse/supervisions_\(split.rawValue).jsonl.gz", try Gzip.compress(Data(supervisions.joined().utf8)))
        }
    }
}
