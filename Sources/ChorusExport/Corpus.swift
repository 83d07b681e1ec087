import ChorusAudio
import ChorusIngest
import ChorusStore
import Foundation

/// What to export and how.
public struct ExportOptions: Sendable {
    public var formats: [ExportFormat]
    /// The clips' container: FLAC (16-bit) or WAV (16-bit PCM).
    public var audioType: AudioFileType = .flac
    public var sampleRate = 16_000
    /// Keep the recordings' channels instead of mixing down to mono.
    public var keepChannels = false
    /// Write each recording whole (resampled) and point the formats that take offsets (NeMo,
    /// Kaldi, Lhotse, MuST-C, STM) into it instead of cutting clips for them.
    public var wholeRecordings = false
    /// Target shares of exported duration for train, dev and test (they add up to 1).
    public var proportions: [Split: Double] = [.train: 0.8, .dev: 0.1, .test: 0.1]
    /// Also export segments with a settled transcript but a translation still missing.
    public var includeUntranslated = false
    /// Also export segments the validator found an error on.
    public var includeInvalid = false
    /// Where relative recording paths are looked up first (then the working directory, then the project folder).
    public var audioRoot: String?
    /// Hash every recording again before cutting from it, not only those whose size or
    /// modification time changed since import.
    public var rehash = false
    /// The corpus licence, as a Hugging Face licence id (cc-by-4.0, cc0-1.0, other, unknown).
    public var license = "unknown"
    /// The corpus name, for the datasheet.
    public var name: String
    public var subtitles = SubtitleLimits()
    /// The most bytes in a shard (WebDataset, Lhotse Shar); a sample never spans two.
    public var shardBytes = 256 << 20

    public init(formats: [ExportFormat], name: String) {
        self.formats = formats
        self.name = name
    }
}

/// One exported segment.
public struct Utterance: Sendable {
    /// The utterance id: speaker id, recording key and segment number, safe in every format
    /// (`[A-Za-z0-9_-]`), prefixed by the speaker so Kaldi's sort orders agree.
    public var id: String
    public var segmentID: Int64
    /// Index into ``Corpus/recordings``.
    public var recording: Int
    public var split: Split
    /// The speaker's safe id (the name made safe; an unknown voice: the recording's key).
    public var speaker: String
    /// The speaker's name as given; nil for an unknown voice.
    public var speakerName: String?
    /// Seconds in the recording (with the segment's padding).
    public var start: Double
    public var end: Double
    /// The settled transcript.
    public var text: String
    /// Settled translations by language tag.
    public var translations: [String: String]
    /// How each text settled, by language.
    public var provenance: [String: Provenance]
    public var contentWarning: Bool
    /// The clip, relative to the corpus root (`audio/train/<id>.flac`).
    public var audioPath: String
    /// Frames in the written clip; its duration is `frames / sampleRate`.
    public var frames = 0

    public var duration: Double { end - start }
}

public struct Provenance: Sendable, Codable, Equatable {
    /// agreed, consensus or adjudicated.
    public var method: String
    public var agreement: Double?
    /// Pseudonymous annotator ids (`annotator-<n>`).
    public var annotators: [String]
}

/// One recording with exported segments.
public struct CorpusRecording: Sendable {
    public var id: Int64
    /// A file-name-safe key: the file's stem made safe, and the store id.
    public var key: String
    /// The original file, resolved.
    public var path: String
    public var duration: Double
    /// The whole recording as exported with `wholeRecordings`, relative to the corpus root
    /// (`recordings/<key>.flac`: one file, whichever splits its speakers are in).
    public var audioPath: String
    /// Frames written there.
    public var frames = 0
    /// Channels of its exported audio: 1, or the original's with `keepChannels`.
    public var channels = 1
    /// The segmenter settings its segments came from, as JSON.
    public var segmenter = "{}"
}

/// A project's exportable data: utterances with their splits, and what was left out and why.
public struct Corpus: Sendable {
    public var sourceLanguage: String
    public var targetLanguages: [String]
    public var recordings: [CorpusRecording] = []
    /// Sorted by id.
    public var utterances: [Utterance] = []
    /// Segments left out, by reason.
    public var leftOut: [String: Int] = [:]
    public var rows: CorpusRows
    public var config: ProjectConfig

    /// Every language, the source first.
    public var languages: [String] { [sourceLanguage] + targetLanguages }

    public func utterances(in split: Split) -> [Utterance] { utterances.filter { $0.split == split } }

    /// Builds the corpus from the project as `snapshot` read it, fixing the splits of
    /// recordings exported for the first time in the store.
    /// - Parameter invalid: segment ids with validation errors.
    public static func build(project: Project, snapshot: ProjectSnapshot, options: ExportOptions, invalid: Set<Int64>) throws -> Corpus {
        let rows = try project.store.corpusRows()
        let config = project.config
        var corpus = Corpus(sourceLanguage: config.sourceLanguage.value, targetLanguages: config.targetLanguages.map(\.value), rows: rows, config: config)
        var settled: [Int64: [String: ProjectSnapshot.Settled]] = [:]
        for s in snapshot.settled { settled[s.segmentID, default: [:]][s.language] = s }

        // Which segments go out.
        var chosen: [ProjectSnapshot.Segment] = []
        for segment in snapshot.segments {
            let texts = settled[segment.id] ?? [:]
            guard texts[corpus.sourceLanguage] != nil else { corpus.leftOut["no settled transcript", default: 0] += 1; continue }
            let missing = corpus.targetLanguages.filter { texts[$0] == nil }
            if !missing.isEmpty && !options.includeUntranslated {
                corpus.leftOut["no settled translation into \(missing.joined(separator: ", "))", default: 0] += 1
                continue
            }
            if invalid.contains(segment.id) && !options.includeInvalid {
                corpus.leftOut["a validation error", default: 0] += 1
                continue
            }
            chosen.append(segment)
        }

        // Splits: by speaker. Each segment's group is its speaker (its own, else its
        // recording's), or its recording's unknown voice; fixed groups stay, new ones are placed
        // by duration, so no speaker is in two splits and a conversation's speakers can differ.
        let byID = Dictionary(uniqueKeysWithValues: snapshot.recordings.map { ($0.id, $0) })
        func speakerName(_ s: ProjectSnapshot.Segment) -> String? { s.speaker ?? byID[s.recordingID]?.speaker }
        var weight: [String: Double] = [:]
        for s in chosen { weight[SplitGroup.key(speaker: speakerName(s), recording: s.recordingID), default: 0] += s.end - s.start }
        let planned = SplitPlanner.plan(groups: weight.keys.sorted().map { (key: $0, weight: weight[$0] ?? 0) }, fixed: rows.splits, proportions: options.proportions)
        let splits = try project.store.fixSplits(planned)

        var index: [Int64: Int] = [:]
        for id in Set(chosen.map(\.recordingID)).sorted() {
            guard let r = byID[id] else { continue }
            let stem = ((r.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let key = SafeName.make(stem, limit: 40) + "_\(r.id)"
            index[id] = corpus.recordings.count
            corpus.recordings.append(CorpusRecording(
                id: r.id, key: key, path: RecordingLocation.resolve(r.path, root: options.audioRoot, project: project.folder),
                duration: r.duration, audioPath: "recordings/\(key).\(options.audioType.fileExtension)",
                channels: options.keepChannels ? max(1, r.channels) : 1, segmenter: r.segmenter))
        }
        for segment in chosen {
            guard let i = index[segment.recordingID] else { continue }
            let r = corpus.recordings[i]
            let texts = settled[segment.id] ?? [:]
            let number = String(format: "%07lld", segment.id)
            let name = speakerName(segment)
            let group = SplitGroup.key(speaker: name, recording: segment.recordingID)
            let split = splits[group] ?? planned[group] ?? .train
            // A known speaker's id is their name made safe (the same in every recording); an
            // unknown voice is its recording's.
            let speaker = name.map { SafeName.make($0, limit: 40) } ?? r.key
            let id = name == nil ? "\(r.key)-\(number)" : "\(speaker)-\(r.key)-\(number)"
            var provenance: [String: Provenance] = [:]
            for (language, s) in texts {
                let annotators = rows.contributors[segment.id]?[language] ?? []
                provenance[language] = Provenance(method: s.method, agreement: s.agreement, annotators: annotators.map { "annotator-\($0)" })
            }
            corpus.utterances.append(Utterance(
                id: id, segmentID: segment.id, recording: i, split: split, speaker: speaker, speakerName: name,
                start: segment.start, end: segment.end,
                text: texts[corpus.sourceLanguage]?.text ?? "",
                translations: texts.filter { $0.key != corpus.sourceLanguage && corpus.targetLanguages.contains($0.key) }.mapValues(\.text),
                provenance: provenance, contentWarning: segment.contentWarning,
                audioPath: "audio/\(split.rawValue)/\(id).\(options.audioType.fileExtension)"))
        }
        corpus.utterances.sort { $0.id < $1.id }
        return corpus
    }
}

/// Names safe as file names and ids in every format: ASCII letters, digits and `_`; accents
/// dropped, anything else `_`; a name that had to change gets a short hash of the original,
/// so two names never meet.
public enum SafeName {
    public static func make(_ name: String, limit: Int) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("_") {
                out += "_"
            }
        }
        out = String(out.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(limit))
        if out != name || out.isEmpty {
            out += (out.isEmpty ? "" : "_") + String(ContentHash.sha256(text: name).prefix(6))
        }
        return out
    }
}

/// Assigns split groups (speakers, or a recording's unknown voice: ``SplitGroup``) to splits
/// by target share of duration, deterministic, and never moving a group that already has a split.
public enum SplitPlanner {
    public static func plan(groups: [(key: String, weight: Double)], fixed: [String: Split], proportions: [Split: Double]) -> [String: Split] {
        var result: [String: Split] = [:]
        var assigned: [Split: Double] = [:]
        for g in groups { if let split = fixed[g.key] { assigned[split, default: 0] += g.weight } }
        let total = groups.reduce(0) { $0 + $1.weight }
        // New groups in an order that depends only on their keys, so an export placed again
        // places them the same.
        let order = groups.filter { fixed[$0.key] == nil }.sorted { ContentHash.sha256(text: $0.key) < ContentHash.sha256(text: $1.key) }
        let targets = Split.allCases.filter { (proportions[$0] ?? 0) > 0 }
        for (n, group) in order.enumerated() {
            let remaining = order.count - n
            let empty = targets.filter { (assigned[$0] ?? 0) == 0 && !result.values.contains($0) && !fixed.values.contains($0) }
            let split: Split
            if !empty.isEmpty && remaining <= empty.count {
                // Few groups left: every split with a share gets one before any gets two more.
                split = empty.sorted { ((proportions[$0] ?? 0), $1) > ((proportions[$1] ?? 0), $0) }[0]
            } else {
                split = targets.max { a, b in
                    let da = (proportions[a] ?? 0) * total - (assigned[a] ?? 0), db = (proportions[b] ?? 0) * total - (assigned[b] ?? 0)
                    return da < db || (da == db && b < a)
                } ?? .train
            }
            assigned[split, default: 0] += group.weight
            result[group.key] = split
        }
        return result
    }
}
