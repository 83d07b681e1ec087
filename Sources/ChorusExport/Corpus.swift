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
    /// The speaker id (safe), and the name as given.
    public var speaker: String
    public var speakerName: String?
    public var split: Split
    /// The whole recording as exported with `wholeRecordings`, relative to the corpus root.
    public var audioPath: String
    /// Frames written there.
    public var frames = 0
    /// Channels of its exported audio: 1, or the original's with `keepChannels`.
    public var channels = 1
    /// The segmenter settings its segments came from, as JSON.
    public var segmenter = "{}"
    /// The Kaldi recording id: speaker-prefixed like the utterances.
    public var kaldiID: String { speakerName == nil ? key : "\(speaker)-\(key)" }
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

        // Splits: fixed ones stay; new recordings are placed by duration, speaker-disjoint.
        var weight: [Int64: Double] = [:]
        for s in chosen { weight[s.recordingID, default: 0] += s.end - s.start }
        let byID = Dictionary(uniqueKeysWithValues: snapshot.recordings.map { ($0.id, $0) })
        let planned = SplitPlanner.plan(
            recordings: weight.keys.sorted().map { (id: $0, speaker: byID[$0]?.speaker, weight: weight[$0] ?? 0) },
            fixed: rows.splits, proportions: options.proportions,
            speakers: snapshot.recordings.reduce(into: [:]) { m, r in if let s = r.speaker { m[r.id] = s } })
        let splits = try project.store.fixSplits(planned)

        var index: [Int64: Int] = [:]
        for id in weight.keys.sorted() {
            guard let r = byID[id] else { continue }
            let stem = ((r.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let key = SafeName.make(stem, limit: 40) + "_\(r.id)"
            index[id] = corpus.recordings.count
            let split = splits[r.id] ?? planned[r.id] ?? .train
            corpus.recordings.append(CorpusRecording(
                id: r.id, key: key, path: RecordingLocation.resolve(r.path, root: options.audioRoot, project: project.folder),
                duration: r.duration, speaker: r.speaker.map { SafeName.make($0, limit: 40) } ?? key, speakerName: r.speaker,
                split: split, audioPath: "recordings/\(split.rawValue)/\(key).\(options.audioType.fileExtension)",
                channels: options.keepChannels ? max(1, r.channels) : 1, segmenter: r.segmenter))
        }
        for segment in chosen {
            guard let i = index[segment.recordingID] else { continue }
            let r = corpus.recordings[i]
            let texts = settled[segment.id] ?? [:]
            let number = String(format: "%07lld", segment.id)
            let id = r.speakerName == nil ? "\(r.key)-\(number)" : "\(r.speaker)-\(r.key)-\(number)"
            var provenance: [String: Provenance] = [:]
            for (language, s) in texts {
                let annotators = rows.contributors[segment.id]?[language] ?? []
                provenance[language] = Provenance(method: s.method, agreement: s.agreement, annotators: annotators.map { "annotator-\($0)" })
            }
            corpus.utterances.append(Utterance(
                id: id, segmentID: segment.id, recording: i, split: r.split, start: segment.start, end: segment.end,
                text: texts[corpus.sourceLanguage]?.text ?? "",
                translations: texts.filter { $0.key != corpus.sourceLanguage && corpus.targetLanguages.contains($0.key) }.mapValues(\.text),
                provenance: provenance, contentWarning: segment.contentWarning,
                audioPath: "audio/\(r.split.rawValue)/\(id).\(options.audioType.fileExtension)"))
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

/// Assigns recordings to splits: all of a speaker's recordings together, by target share of
/// duration, deterministic, and never moving a recording that already has a split.
public enum SplitPlanner {
    /// - Parameter speakers: the speaker of every recording in the project that has one, so a
    ///   speaker placed through a recording not in this export keeps their split.
    public static func plan(recordings: [(id: Int64, speaker: String?, weight: Double)], fixed: [Int64: Split], proportions: [Split: Double],
                            speakers known: [Int64: String] = [:]) -> [Int64: Split] {
        var result: [Int64: Split] = [:]
        var assigned: [Split: Double] = [:]
        var speakerSplit: [String: Split] = [:]
        var speakers = known
        for r in recordings { if let s = r.speaker { speakers[r.id] = s } }
        for (id, split) in fixed.sorted(by: { $0.key < $1.key }) {
            if let s = speakers[id], speakerSplit[s] == nil { speakerSplit[s] = split }
        }
        for r in recordings {
            if let split = fixed[r.id] {
                assigned[split, default: 0] += r.weight
            }
        }
        // Groups to place: a speaker's new recordings together; a recording without a speaker alone.
        var groups: [String: [(id: Int64, weight: Double)]] = [:]
        for r in recordings where fixed[r.id] == nil {
            if let s = r.speaker, let split = speakerSplit[s] {
                result[r.id] = split
                assigned[split, default: 0] += r.weight
                continue
            }
            groups[r.speaker.map { "speaker:" + $0 } ?? "recording:\(r.id)", default: []].append((r.id, r.weight))
        }
        let total = recordings.reduce(0) { $0 + $1.weight }
        let order = groups.keys.sorted { ContentHash.sha256(text: $0) < ContentHash.sha256(text: $1) }
        let targets = Split.allCases.filter { (proportions[$0] ?? 0) > 0 }
        for (n, key) in order.enumerated() {
            let members = groups[key] ?? []
            let weight = members.reduce(0) { $0 + $1.weight }
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
            assigned[split, default: 0] += weight
            for m in members { result[m.id] = split }
        }
        return result
    }
}
