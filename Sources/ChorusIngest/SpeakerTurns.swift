import ChorusSegmentation
import ChorusStore
import Foundation

/// One speaker's turn, as diarization writes it.
public struct SpeakerTurn: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var speaker: String

    public init(start: Double, end: Double, speaker: String) {
        self.start = start
        self.end = end
        self.speaker = speaker
    }
}

/// NIST RTTM, as pyannote and NeMo write diarization: `SPEAKER <file> <channel> <onset>
/// <duration> <NA> <NA> <speaker> <NA> <NA>`, fields separated by white space. Other record
/// types (SPKR-INFO, LEXEME, ...) and `;;` comments are skipped.
public enum RTTM {
    /// Turns by file id (the recording's file name without extension, as pyannote's `uri`).
    /// - Throws: ``ProjectError`` `.invalidInput` naming the file, the line and the field.
    public static func parse(_ text: String, path: String) throws -> [String: [SpeakerTurn]] {
        var turns: [String: [SpeakerTurn]] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let type = fields.first, !type.hasPrefix(";;") else { continue }
            guard type == "SPEAKER" else { continue }
            func fail(_ field: String, _ problem: String) -> ProjectError {
                ProjectError(code: .invalidInput, message: "\(field): \(problem)", path: "\(path):\(index + 1)")
            }
            guard fields.count >= 8 else { throw fail("SPEAKER", "\(fields.count) fields where RTTM has 10 (type file channel onset duration NA NA speaker NA NA)") }
            guard let onset = Double(fields[3]), onset.isFinite, onset >= 0 else { throw fail("onset", "'\(fields[3])' is not a time in seconds") }
            guard let duration = Double(fields[4]), duration.isFinite, duration >= 0 else { throw fail("duration", "'\(fields[4])' is not a duration in seconds") }
            let speaker = fields[7]
            guard speaker != "<NA>" else { throw fail("speaker", "missing (<NA>)") }
            if duration > 0 { turns[fields[1], default: []].append(SpeakerTurn(start: onset, end: onset + duration, speaker: speaker)) }
        }
        return turns.mapValues { $0.sorted { ($0.start, $0.end) < ($1.start, $1.end) } }
    }
}

/// What diarization made of one recording's segments.
public struct SpeakerAssignment: Sendable, Equatable {
    /// The segments, some cut at a change of speaker.
    public var segments: [Segment]
    /// Each segment's speaker (nil where no turn covers it).
    public var speakers: [String?]
    /// Segments cut in two or more at a change of speaker.
    public var cut = 0
    /// Segments holding speech of two speakers at once (overlap): they keep the speaker
    /// heard most, and are counted so a person can look.
    public var overlapped = 0

    /// Gives each segment the speaker whose turns cover most of its speech. A segment whose
    /// speech holds turns of different speakers is cut at each change of speaker (in the middle
    /// of the gap between the turns, or of their overlap), so no segment mixes two people,
    /// unless a side would hold less than `minimum` seconds of speech: then that side stays
    /// with its neighbour, and the segment keeps the speaker heard most.
    public static func assign(_ segments: [Segment], turns: [SpeakerTurn], minimum: Double) -> SpeakerAssignment {
        var out = SpeakerAssignment(segments: [], speakers: [])
        for segment in segments {
            let mine = turns.filter { $0.end > segment.speechStart && $0.start < segment.speechEnd }
                .map { SpeakerTurn(start: max($0.start, segment.speechStart), end: min($0.end, segment.speechEnd), speaker: $0.speaker) }
            guard !mine.isEmpty else {
                out.segments.append(segment)
                out.speakers.append(nil)
                continue
            }
            // Runs of one speaker in time order; a cut goes where one run gives way to the next.
            var runs: [(speaker: String, start: Double, end: Double, speech: Double)] = []
            var overlap = false
            for t in mine {
                if let last = runs.last, last.speaker == t.speaker {
                    runs[runs.count - 1].end = max(last.end, t.end)
                    runs[runs.count - 1].speech += t.end - t.start
                } else {
                    if let last = runs.last, t.start < last.end - 0.05 { overlap = true }
                    runs.append((t.speaker, t.start, t.end, t.end - t.start))
                }
            }
            // A run too short to stand alone joins the neighbour it is closer to.
            var merged = true
            while merged && runs.count > 1 {
                merged = false
                if let i = runs.indices.min(by: { runs[$0].speech < runs[$1].speech }), runs[i].speech < minimum {
                    let j = i == 0 ? 1 : i == runs.count - 1 ? i - 1 : (runs[i].start - runs[i - 1].end <= runs[i + 1].start - runs[i].end ? i - 1 : i + 1)
                    let (a, b) = (min(i, j), max(i, j))
                    let keep = runs[j].speaker
                    runs[a] = (keep, runs[a].start, max(runs[a].end, runs[b].end), runs[a].speech + runs[b].speech)
                    runs.remove(at: b)
                    merged = true
                    overlap = true
                }
            }
            // Runs of the same speaker that met after merging are one.
            var pieces: [(speaker: String, start: Double, end: Double)] = []
            for r in runs {
                if let last = pieces.last, last.speaker == r.speaker { pieces[pieces.count - 1].end = max(last.end, r.end) } else { pieces.append((r.speaker, r.start, r.end)) }
            }
            if pieces.count == 1 {
                // Not cut: the speaker heard most.
                var speech: [String: Double] = [:]
                for t in mine { speech[t.speaker, default: 0] += t.end - t.start }
                pieces[0].speaker = speech.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
            }
            if pieces.count > 1 { out.cut += 1 }
            if overlap && pieces.count == 1 { out.overlapped += 1 }
            var start = segment.start, speechStart = segment.speechStart
            for (n, p) in pieces.enumerated() {
                let last = n == pieces.count - 1
                // Cut in the middle of the gap (or of the overlap) between this run and the next.
                let cut = last ? segment.end : (p.end + pieces[n + 1].start) / 2
                let speechEnd = last ? segment.speechEnd : cut
                out.segments.append(Segment(start: start, end: cut, speechStart: speechStart, speechEnd: speechEnd))
                out.speakers.append(p.speaker)
                start = cut
                speechStart = cut
            }
        }
        return out
    }
}

/// Diarization for a batch: RTTM files' turns, found for each recording by its file name.
public struct Diarization: Sendable {
    public var turns: [String: [SpeakerTurn]] = [:]
    /// Labels name the same person in every recording; else (as pyannote and NeMo write them,
    /// `SPEAKER_00` in each file) a label is the recording's own and is stored as
    /// `<file id>/<label>`, so two recordings' `SPEAKER_00` are never taken for one person.
    public var global = false
    /// Seconds of one speaker's speech a side must hold for a segment to be cut there.
    public var minimum = 0.5
    public init() {}

    /// Reads RTTM files.
    /// - Throws: ``ProjectError`` naming the file and line.
    public init(files: [String], global: Bool) throws {
        self.global = global
        for path in files {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ProjectError(code: .invalidInput, message: "cannot read: \(error.localizedDescription)", path: path)
            }
            for (file, turns) in try RTTM.parse(text, path: path) { self.turns[file, default: []] += turns }
        }
        turns = turns.mapValues { $0.sorted { ($0.start, $0.end) < ($1.start, $1.end) } }
    }

    /// The RTTM file id of a recording: its file name without extension.
    public static func fileID(_ path: String) -> String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }

    /// The turns for a recording, with the names they are stored under; nil when RTTM has none.
    public func turns(for path: String) -> [SpeakerTurn]? {
        let id = Self.fileID(path)
        guard let found = turns[id] else { return nil }
        return global ? found : found.map { SpeakerTurn(start: $0.start, end: $0.end, speaker: "\(id)/\($0.speaker)") }
    }

    /// File ids in the RTTM that none of `paths` has.
    public func unmatched(_ paths: [String]) -> [String] {
        let ids = Set(paths.map(Self.fileID))
        return turns.keys.filter { !ids.contains($0) }.sorted()
    }

    /// Applies the turns to a file's segments, if the RTTM has any for it.
    public func apply(to result: inout FileSegmentation) {
        guard let turns = turns(for: result.path) else { return }
        let a = SpeakerAssignment.assign(result.segments, turns: turns, minimum: minimum)
        result.segments = a.segments
        result.speakers = a.speakers
        result.summary.segments = a.segments.count
        result.speakerCuts = a.cut
        result.speakerOverlaps = a.overlapped
    }
}
