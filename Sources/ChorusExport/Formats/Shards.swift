import ChorusAudio
import ChorusStore
import ChorusSupport
import Foundation

extension ExportFormat {
    public static let webdataset = ExportFormat(rawValue: "webdataset")
    public static let lhotseShar = ExportFormat(rawValue: "lhotse-shar")
}

struct WebDatasetWriter: FormatWriter {
    let format = ExportFormat.webdataset
    let needsAudio = true
    let takesOffsets = false
    let needsTargets = false
    let packsClips = true
    let files = "`webdataset/<split>/<split>-NNNNNN.tar`: WebDataset shards, each sample a clip (`<id>.flac`) and its `<id>.json` (text, translations, speaker, language, provenance); `webdataset.WebDataset(...)` or `datasets.load_dataset(\"webdataset\", data_files=...)`."

    func write(_ context: inout ExportContext) throws { try context.webDataset() }
}

struct LhotseSharWriter: FormatWriter {
    let format = ExportFormat.lhotseShar
    let needsAudio = true
    let takesOffsets = false
    let needsTargets = false
    let packsClips = true
    let files = "`lhotse_shar/<split>/`: Lhotse Shar (`cuts.NNNNNN.jsonl.gz` beside `recording.NNNNNN.tar`); `CutSet.from_shar(in_dir=\"lhotse_shar/train\")`."

    func write(_ context: inout ExportContext) throws { try context.lhotseShar() }
}

/// Tar shards of a split, each closed when it reaches the shard size, written one member at a
/// time (constant memory) under a temporary name and renamed into place.
struct ShardSequence {
    let output: Output
    /// `webdataset/train/train-%06d.tar`: a shard's path from its number.
    let name: (Int) -> String
    let limit: Int
    /// Called as each shard closes, with its number (Lhotse Shar writes its cuts file then).
    var closed: (Int) throws -> Void = { _ in }
    private var tar: TarWriter?
    private var replacement: Replacement?
    private(set) var number = 0

    init(output: Output, limit: Int, name: @escaping (Int) -> String) {
        self.output = output
        self.limit = limit
        self.name = name
    }

    /// Adds one sample's members together, so a sample never spans two shards.
    mutating func add(_ members: [(String, Data)]) throws {
        if let t = tar, t.size > 0, t.size + members.reduce(0, { $0 + $1.1.count + 1024 }) > limit { try close() }
        if tar == nil {
            let relative = name(number)
            try output.makeFolder(for: relative)
            do { replacement = try Replacement(path: output.path(relative)) } catch {
                throw ExportError(.write, at: output.path(relative), error.message)
            }
            tar = try TarWriter(path: replacement!.writePath)
        }
        do {
            for (n, data) in members { try tar?.add(n, data) }
        } catch {
            throw ExportError(.write, at: output.path(name(number)), "cannot write: \(error.localizedDescription)")
        }
    }

    /// Closes the open shard, if any.
    mutating func close() throws {
        guard let t = tar else { return }
        tar = nil
        let relative = name(number)
        do { try t.finish() } catch {
            replacement?.discard()
            throw ExportError(.write, at: output.path(relative), "cannot write: \(error.localizedDescription)")
        }
        do { try replacement?.commit() } catch { throw ExportError(.write, at: output.path(relative), error.message) }
        replacement = nil
        output.keep(relative)
        try closed(number)
        number += 1
    }
}

extension ExportContext {
    /// The clip's bytes, as cut into `audio/`.
    func clipData(_ u: Utterance) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: output.path(u.audioPath))) } catch {
            throw ExportError(.write, at: output.path(u.audioPath), "cannot read the clip back: \(error.localizedDescription)")
        }
    }

    /// `webdataset/<split>/<split>-NNNNNN.tar`: per sample `<id>.<flac|wav>` and `<id>.json`,
    /// in id order; a shard closes before it would pass `--shard-size`.
    func webDataset() throws {
        let ext = options.audioType.fileExtension
        for (split, utterances) in splits {
            var shards = ShardSequence(output: output, limit: options.shardBytes) { String(format: "webdataset/%@/%@-%06d.tar", split.rawValue, split.rawValue, $0) }
            for u in utterances {
                let meta = Text.object([
                    ("id", Text.json(u.id)), ("text", Text.json(u.text)), ("translations", translations(u)),
                    ("language", Text.json(corpus.sourceLanguage)), ("speaker", Text.json(u.speaker)), ("speaker_name", u.speakerName.map(Text.json) ?? "null"),
                    ("duration", Text.json(clipDuration(u))), ("sampling_rate", String(options.sampleRate)), ("split", Text.json(split.rawValue)),
                    ("content_warning", u.contentWarning ? "true" : "false"), ("provenance", provenance(u)),
                ] + source(u))
                try shards.add([("\(u.id).\(ext)", try clipData(u)), ("\(u.id).json", Data(meta.utf8))])
            }
            try shards.close()
        }
    }

    /// `lhotse_shar/<split>/`: `recording.NNNNNN.tar` holds each cut's audio then its
    /// Recording manifest (source type `shar`), in the order of `cuts.NNNNNN.jsonl.gz`, as
    /// Lhotse's `SharWriter` writes them.
    func lhotseShar() throws {
        let ext = options.audioType.fileExtension
        for (split, utterances) in splits {
            let folder = "lhotse_shar/\(split.rawValue)"
            let pending = CutLines()
            var shards = ShardSequence(output: output, limit: options.shardBytes) { String(format: "%@/recording.%06d.tar", folder, $0) }
            shards.closed = { [output] n in
                try output.write(String(format: "%@/cuts.%06d.jsonl.gz", folder, n), try Gzip.compress(Data(pending.take().utf8)))
            }
            for u in utterances {
                let channels = corpus.recordings[u.recording].channels
                let ids = "[" + (0..<channels).map(String.init).joined(separator: ", ") + "]"
                let channel = channels == 1 ? "0" : ids
                let duration = clipDuration(u)
                let recording = Text.object([
                    ("id", Text.json(u.id)),
                    ("sources", "[" + Text.object([("type", Text.json("shar")), ("channels", ids), ("source", Text.json(""))]) + "]"),
                    ("sampling_rate", String(options.sampleRate)), ("num_samples", String(u.frames)), ("duration", Text.json(duration)), ("channel_ids", ids),
                ])
                let supervision = Text.object([
                    ("id", Text.json(u.id)), ("recording_id", Text.json(u.id)), ("start", "0"), ("duration", Text.json(duration)), ("channel", channel),
                    ("text", Text.json(u.text)), ("language", Text.json(corpus.sourceLanguage)), ("speaker", Text.json(u.speaker)),
                    ("custom", Text.object([("translations", translations(u)), ("speaker_name", u.speakerName.map(Text.json)), ("provenance", provenance(u))] + source(u))),
                ])
                // Added after its audio: a shard that closes to make room takes only its own cuts.
                try shards.add([("\(u.id).\(ext)", try clipData(u)), ("\(u.id).json", Data(recording.utf8))])
                pending.append(Text.object([
                    ("id", Text.json(u.id)), ("start", "0"), ("duration", Text.json(duration)), ("channel", channel),
                    ("supervisions", "[" + supervision + "]"), ("recording", recording), ("type", Text.json(channels == 1 ? "MonoCut" : "MultiCut")),
                ]) + "\n")
            }
            try shards.close()
        }
    }
}

/// One shard's cut lines, held until the shard closes (a shard's worth, never the corpus's).
private final class CutLines {
    private var lines = ""
    func append(_ line: String) { lines += line }
    func take() -> String { defer { lines = "" }; return lines }
}
