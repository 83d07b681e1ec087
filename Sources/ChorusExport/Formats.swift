import ChorusAudio
import ChorusStore
import CZlib
import Foundation

/// The formats `chorus export` writes.
public enum ExportFormat: String, CaseIterable, Sendable, Codable {
    case nemo, hf, kaldi, lhotse, mustc, tmx, moses, covost, stm, vtt, srt, textgrid, eaf

    /// Whether the format points at audio (the others carry text and times only).
    var needsAudio: Bool { ![.tmx, .moses, .vtt, .srt, .textgrid, .eaf].contains(self) }
    /// Whether the format can point into a whole recording with an offset.
    var takesOffsets: Bool { [.nemo, .kaldi, .lhotse, .mustc, .stm].contains(self) }

    /// Whether an export with these options cuts clips, and writes whole recordings.
    static func audio(for options: ExportOptions) -> (clips: Bool, recordings: Bool) {
        let wanted = options.formats.filter(\.needsAudio)
        if !options.wholeRecordings { return (!wanted.isEmpty, false) }
        return (wanted.contains { !$0.takesOffsets }, wanted.contains(where: \.takesOffsets) || options.formats.contains(.eaf))
    }
}

/// What a writer needs: the corpus, the options, where to write and where the corpus will be.
struct ExportContext {
    let corpus: Corpus
    let options: ExportOptions
    let output: Output
    /// The corpus folder's final absolute path, for formats whose readers resolve paths
    /// against the working directory (Kaldi, Lhotse).
    let root: String
    /// Subtitle warnings, collected.
    var warnings: [String] = []

    var rate: Double { Double(options.sampleRate) }
    var splits: [(Split, [Utterance])] {
        Split.allCases.map { ($0, corpus.utterances(in: $0)) }.filter { !$0.1.isEmpty }
    }

    func clipDuration(_ u: Utterance) -> Double { Double(u.frames) / rate }

    /// Where a format that takes offsets finds the utterance: its clip from 0, or with
    /// `wholeRecordings` its recording from the segment's start.
    func span(_ u: Utterance) -> (path: String, offset: Double, duration: Double) {
        options.wholeRecordings ? (corpus.recordings[u.recording].audioPath, u.start, u.duration) : (u.audioPath, 0, clipDuration(u))
    }
    /// The utterance's safe speaker id.
    func speakerID(_ u: Utterance) -> String { corpus.recordings[u.recording].speaker }
    func absolute(_ relative: String) -> String { root + "/" + relative }
    func fileName(_ u: Utterance) -> String { (u.audioPath as NSString).lastPathComponent }
    /// Texts for a language: the transcript for the source, else the translation.
    func text(_ u: Utterance, _ language: String) -> String? {
        language == corpus.sourceLanguage ? u.text : u.translations[language]
    }
    func provenance(_ u: Utterance) -> String {
        Text.object(corpus.languages.compactMap { language in
            u.provenance[language].map { p in
                (language, Text.object([("method", Text.json(p.method)), ("agreement", p.agreement.map(Text.json)),
                                        ("annotators", "[" + p.annotators.map(Text.json).joined(separator: ", ") + "]")]))
            }
        })
    }
    func translations(_ u: Utterance) -> String {
        Text.object(corpus.targetLanguages.map { ($0, u.translations[$0].map(Text.json)) })
    }

    mutating func write(_ format: ExportFormat) throws {
        switch format {
        case .nemo: try nemo()
        case .hf: try huggingFace()
        case .kaldi: try kaldi()
        case .lhotse: try lhotse()
        case .mustc: try mustc()
        case .tmx: try tmx()
        case .moses: try moses()
        case .covost: try covost()
        case .stm: try stm()
        case .vtt, .srt: try subtitles(format)
        case .textgrid: try textGrids()
        case .eaf: try eafs()
        }
    }

    // MARK: NeMo

    /// `nemo/<split>.jsonl`: one JSON object a line; `audio_filepath` relative to the manifest,
    /// which NeMo resolves against the manifest's folder.
    func nemo() throws {
        for (split, utterances) in splits {
            let lines = utterances.map { u in
                Text.object([
                    ("audio_filepath", Text.json("../" + span(u).path)), ("duration", Text.json(span(u).duration)),
                    ("offset", options.wholeRecordings ? Text.json(u.start) : nil),
                    ("text", Text.json(u.text)), ("lang", Text.json(corpus.sourceLanguage)),
                    ("translations", translations(u)), ("speaker", Text.json(speakerLabel(corpus.recordings[u.recording]))),
                    ("id", Text.json(u.id)), ("content_warning", u.contentWarning ? "true" : nil), ("provenance", provenance(u)),
                ]) + "\n"
            }
            try output.write("nemo/\(split.rawValue).jsonl", lines.joined())
        }
    }

    // MARK: Hugging Face audiofolder

    /// `hf/<split>/`: the clips and `metadata.jsonl` (`file_name`, `text`, a
    /// `translation_<lang>` column per target language, speaker, language, provenance).
    func huggingFace() throws {
        for (split, utterances) in splits {
            let folder = "hf/\(split.rawValue)"
            var lines: [String] = []
            for u in utterances {
                try output.link(u.audioPath, as: "\(folder)/\(fileName(u))")
                var pairs: [(String, String?)] = [("file_name", Text.json(fileName(u))), ("id", Text.json(u.id)), ("text", Text.json(u.text))]
                for language in corpus.targetLanguages { pairs.append(("translation_\(language)", Text.json(u.translations[language] ?? ""))) }
                pairs += [("language", Text.json(corpus.sourceLanguage)),
                          ("speaker_id", Text.json(speakerLabel(corpus.recordings[u.recording]))),
                          ("duration", Text.json(clipDuration(u)))]
                // Provenance as flat columns, so every row has the same schema.
                for language in corpus.languages {
                    let prefix = language == corpus.sourceLanguage ? "transcript" : "translation_\(language)"
                    let p = u.provenance[language]
                    pairs += [("\(prefix)_method", Text.json(p?.method ?? "")), ("\(prefix)_agreement", p?.agreement.map(Text.json) ?? "null"),
                              ("\(prefix)_annotators", "[" + (p?.annotators ?? []).map(Text.json).joined(separator: ", ") + "]")]
                }
                lines.append(Text.object(pairs) + "\n")
            }
            try output.write("\(folder)/metadata.jsonl", lines.joined())
        }
    }

    // MARK: Kaldi

    /// `kaldi/<split>/`: wav.scp (clips by absolute path; FLAC through `flac -c -d -s ... |`),
    /// segments, text, text.<lang>, utt2spk, spk2utt, utt2dur, reco2dur; each sorted as
    /// `LC_ALL=C sort` and utterance ids prefixed by their speaker's.
    func kaldi() throws {
        for (split, utterances) in splits {
            let folder = "kaldi/\(split.rawValue)"
            func put(_ name: String, _ lines: [String]) throws {
                try output.write("\(folder)/\(name)", Text.sortedBytes(lines).map { $0 + "\n" }.joined())
            }
            // A clip is its own recording; a whole recording holds its utterances.
            func recordingID(_ u: Utterance) -> String { options.wholeRecordings ? corpus.recordings[u.recording].kaldiID : u.id }
            var recordings: [String: (path: String, seconds: Double)] = [:]
            for u in utterances {
                let r = corpus.recordings[u.recording]
                recordings[recordingID(u)] = options.wholeRecordings ? (r.audioPath, Double(r.frames) / rate) : (u.audioPath, clipDuration(u))
            }
            try put("wav.scp", recordings.map { id, r in
                let path = absolute(r.path)
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

    // MARK: Lhotse

    /// `lhotse/recordings_<split>.jsonl.gz` and `supervisions_<split>.jsonl.gz` in Lhotse's
    /// manifest schema: a recording per clip (absolute path), a supervision spanning it.
    func lhotse() throws {
        for (split, utterances) in splits {
            var recordings: [String] = [], supervisions: [String] = []
            var written: Set<Int> = []
            func recording(id: String, path: String, frames: Int, channels: Int) -> String {
                let ids = "[" + (0..<channels).map(String.init).joined(separator: ", ") + "]"
                return Text.object([
                    ("id", Text.json(id)),
                    ("sources", "[" + Text.object([("type", Text.json("file")), ("channels", ids), ("source", Text.json(absolute(path)))]) + "]"),
                    ("sampling_rate", String(options.sampleRate)), ("num_samples", String(frames)), ("duration", Text.json(Double(frames) / rate)),
                    ("channel_ids", ids),
                ]) + "\n"
            }
            for u in utterances {
                let r = corpus.recordings[u.recording]
                let recordingID = options.wholeRecordings ? r.kaldiID : u.id
                if !options.wholeRecordings {
                    recordings.append(recording(id: u.id, path: u.audioPath, frames: u.frames, channels: r.channels))
                } else if written.insert(u.recording).inserted {
                    recordings.append(recording(id: r.kaldiID, path: r.audioPath, frames: r.frames, channels: r.channels))
                }
                let s = span(u)
                supervisions.append(Text.object([
                    ("id", Text.json(u.id)), ("recording_id", Text.json(recordingID)), ("start", Text.json(s.offset)), ("duration", Text.json(s.duration)),
                    ("channel", r.channels == 1 ? "0" : "[" + (0..<r.channels).map(String.init).joined(separator: ", ") + "]"), ("text", Text.json(u.text)), ("language", Text.json(corpus.sourceLanguage)),
                    ("speaker", Text.json(speakerID(u))),
                    ("custom", Text.object([("translations", translations(u)), ("speaker_name", corpus.recordings[u.recording].speakerName.map(Text.json))])),
                ]) + "\n")
            }
            try output.write("lhotse/recordings_\(split.rawValue).jsonl.gz", try Gzip.compress(Data(recordings.joined().utf8)))
            try output.write("lhotse/supervisions_\(split.rawValue).jsonl.gz", try Gzip.compress(Data(supervisions.joined().utf8)))
        }
    }

    // MARK: MuST-C

    /// `mustc/<src>-<tgt>/data/<split>/wav/` (the clips) and `txt/<split>.yaml`,
    /// `txt/<split>.<src>`, `txt/<split>.<tgt>`, line-aligned.
    func mustc() throws {
        for target in corpus.targetLanguages {
            for (split, all) in splits {
                let utterances = all.filter { $0.translations[target] != nil }
                guard !utterances.isEmpty else { continue }
                let folder = "mustc/\(corpus.sourceLanguage)-\(target)/data/\(split.rawValue)"
                var yaml: [String] = []
                for u in utterances {
                    let s = span(u)
                    let wav = (s.path as NSString).lastPathComponent
                    try output.link(s.path, as: "\(folder)/wav/\(wav)")
                    yaml.append("- {duration: \(Text.json(s.duration)), offset: \(Text.json(s.offset)), speaker_id: \(Text.yaml(speakerID(u))), wav: \(Text.yaml(wav))}\n")
                }
                try output.write("\(folder)/txt/\(split.rawValue).yaml", yaml.joined())
                try output.write("\(folder)/txt/\(split.rawValue).\(corpus.sourceLanguage)", utterances.map { Text.oneLine($0.text) + "\n" }.joined())
                try output.write("\(folder)/txt/\(split.rawValue).\(target)", utterances.map { Text.oneLine($0.translations[target] ?? "") + "\n" }.joined())
            }
        }
    }

    // MARK: TMX and Moses

    /// `tmx/<split>.tmx`: TMX 1.4b, a `tu` per segment with a `tuv` per language.
    func tmx() throws {
        guard !corpus.targetLanguages.isEmpty else { return }
        for (split, utterances) in splits {
            var out = """
                <?xml version="1.0" encoding="UTF-8"?>
                <tmx version="1.4">
                  <header creationtool="Chorus" creationtoolversion="\(Exporter.version)" segtype="sentence" o-tmf="chorus" adminlang="en" srclang="\(Text.xml(corpus.sourceLanguage))" datatype="plaintext"/>
                  <body>

                """
            for u in utterances where !u.translations.isEmpty {
                out += "    <tu tuid=\"\(Text.xml(u.id))\">\n"
                out += "      <prop type=\"x-speaker\">\(Text.xml(speakerID(u)))</prop>\n"
                for language in corpus.languages {
                    guard let t = text(u, language) else { continue }
                    out += "      <tuv xml:lang=\"\(Text.xml(language))\"><seg>\(Text.xml(Text.oneLine(t)))</seg></tuv>\n"
                }
                out += "    </tu>\n"
            }
            out += "  </body>\n</tmx>\n"
            try output.write("tmx/\(split.rawValue).tmx", out)
        }
    }

    /// `moses/<split>.<lang>`: one segment a line, the same line in every language.
    func moses() throws {
        for (split, all) in splits {
            let utterances = all.filter { u in corpus.targetLanguages.allSatisfy { u.translations[$0] != nil } }
            for language in corpus.languages {
                try output.write("moses/\(split.rawValue).\(language)", utterances.map { Text.oneLine(text($0, language) ?? "") + "\n" }.joined())
            }
            try output.write("moses/\(split.rawValue).ids", utterances.map { $0.id + "\n" }.joined())
        }
    }

    // MARK: CoVoST

    /// `covost/covost_v2.<src>_<tgt>.<split>.tsv`: path (relative to `audio/`), sentence,
    /// translation, client_id; tabs and line breaks in texts become spaces.
    func covost() throws {
        for target in corpus.targetLanguages {
            for (split, utterances) in splits {
                var lines = ["path\tsentence\ttranslation\tclient_id"]
                for u in utterances {
                    guard let t = u.translations[target] else { continue }
                    lines.append([String(u.audioPath.dropFirst("audio/".count)), Text.oneLine(u.text), Text.oneLine(t), speakerID(u)].joined(separator: "\t"))
                }
                try output.write("covost/covost_v2.\(corpus.sourceLanguage)_\(target).\(split.rawValue).tsv", lines.map { $0 + "\n" }.joined())
            }
        }
    }

    // MARK: STM

    /// `stm/<split>.stm`: NIST segment time marks, one clip a waveform (its file name without
    /// extension, under `audio/<split>/`), sorted by waveform and time.
    func stm() throws {
        for (split, utterances) in splits {
            let folder = options.wholeRecordings ? "recordings" : "audio"
            var lines = [";; Chorus export: reference transcripts (\(corpus.sourceLanguage)); waveforms are \(folder)/\(split.rawValue)/<name>.\(options.audioType.fileExtension)"]
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

/// gzip through zlib (`deflateInit2` with a gzip header, best compression).
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ExportError(.write, at: nil, "gzip: cannot start zlib")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status: Int32 = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ExportError(.write, at: nil, "gzip: zlib failed (\(status))") }
        return Data(out[0..<Int(stream.total_out)])
    }
}
