import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let kaldi = ExportFormat(rawValue: "kaldi")
}

struct KaldiWriter: FormatWriter {
    let format = ExportFormat.kaldi
    let needsAudio = true
    let takesOffsets = true
    let needsTargets = false
    let files = "`kaldi/<split>/`: Kaldi data directories (wav.scp paths relative to the corpus folder: run Kaldi's tools from there; FLAC through `flac -c -d -s`)."

    func write(_ context: inout ExportContext) throws { try context.kaldi() }
}

extension ExportContext {
    /// `kaldi/<split>/`: wav.scp (clips by path relative to the corpus folder, which Kaldi's
    /// tools resolve against the working folder: run them from the corpus folder, as
    /// `utils/validate_data_dir.sh kaldi/train`; FLAC through `flac -c -d -s ... |`),
    /// segments, text, text.<lang>, utt2spk, spk2utt, utt2dur, reco2dur; each sorted as
    /// `LC_ALL=C sort` and utterance ids prefixed by their speaker's.
    func kaldi() throws {
        for (split, utterances) in splits {
            let folder = "kaldi/\(split.rawValue)"
            func put(_ name: String, _ lines: [String]) throws {
                try output.write("\(folder)/\(name)", Text.sortedBytes(lines).map { $0 + "\n" }.joined())
            }
            // A clip is its own recording; a whole recording holds its utterances.
            func recordingID(_ u: Utterance) -> String { options.wholeRecordings ? corpus.recordings[u.recording].key : u.id }
            var recordings: [String: (path: String, seconds: Double)] = [:]
            for u in utterances {
                let r = corpus.recordings[u.recording]
                recordings[recordingID(u)] = options.wholeRecordings ? (r.audioPath, Double(r.frames) / rate) : (u.audioPath, clipDuration(u))
            }
            try put("wav.scp", recordings.map { id, r in
                let path = r.path
                let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
                if options.audioType == .flac { return "\(id) flac -c -d -s \(quoted) |" }
                return path.contains(where: \.isWhitespace) ? "\(id) cat \(quoted) |" : "\(id) \(path)"
            })
            try put("segments", utterances.map { u in
                let s = span(u)
                return "\(u.id) \(recordingID(u)) \(Text.seconds(s.offset)) \(Text.seconds(s.offset + s.duration))"
            })
            try put("text", utterances.map { "\($0.id) \(Text.oneLine($0.text))" })
            for language in corpus.targetLanguages {
                try put("text.\(language)", utterances.compactMap { u in u.translations[language].map { "\(u.id) \(Text.oneLine($0))" } })
            }
            try put("utt2spk", utterances.map { "\($0.id) \(speakerID($0))" })
            var bySpeaker: [String: [String]] = [:]
            for u in utterances { bySpeaker[speakerID(u), default: []].append(u.id) }
            try put("spk2utt", bySpeaker.map { "\($0.key) " + Text.sortedBytes($0.value).joined(separator: " ") })
            try put("utt2dur", utterances.map { "\($0.id) \(Text.seconds(span($0).duration))" })
            try put("reco2dur", recordings.map { "\($0.key) \(Text.seconds($0.value.seconds))" })
        }
    }
}
