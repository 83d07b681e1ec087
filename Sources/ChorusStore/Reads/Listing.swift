import Foundation

/// A segment as `chorus segments list` shows it: enough to write an import line.
public struct SegmentListing: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// No annotation yet.
        case open
        /// Some work in, nothing settled.
        case inProgress = "in-progress"
        /// Transcribers disagreed: a review waits.
        case review
        /// The transcript settled.
        case settled
    }

    public var segmentID: Int64
    public var recordingID: Int64
    /// The recording's path as stored.
    public var recording: String
    public var start: Double
    public var end: Double
    /// Its own speaker, else its recording's.
    public var speaker: String?
    /// rttm, import or loop; metadata when the speaker is the recording's; nil with none.
    public var speakerSource: String?
    public var state: State
    /// The settled transcript, if any.
    public var text: String?
}

/// A recording as `chorus recordings list` shows it.
public struct RecordingListing: Sendable, Codable, Equatable {
    public var recordingID: Int64
    public var path: String
    public var duration: Double
    /// The speaker from its metadata (the default for its segments).
    public var speaker: String?
    public var segments: Int
    /// Every speaker of its segments, their own or the recording's, sorted.
    public var speakers: [String]
    /// Segments whose transcript settled.
    public var settled: Int
}

extension ProjectStore {
    private enum ListColumns: String {
        case id, recordingID = "recording_id", path, start, end, speaker, speakerSource = "speaker_source", own, text, annotations, reviews
    }

    /// Every segment in recording and time order, with its speaker, state and settled text.
    public func segmentListing(sourceLanguage: String) throws -> [SegmentListing] {
        try database.read { c in
            try c.query(
                """
                SELECT s.id, s.recording_id, r.path, s.start, s."end", COALESCE(s.speaker, r.speaker) AS speaker, s.speaker AS own, s.speaker_source,
                       (SELECT t.text FROM settled t WHERE t.segment_id = s.id AND t.language = ?) AS text,
                       (SELECT COUNT(*) FROM annotations a WHERE a.segment_id = s.id) AS annotations,
                       (SELECT COUNT(*) FROM tasks k WHERE k.segment_id = s.id AND k.kind = 'review' AND k.state <> 'done') AS reviews
                FROM segments s JOIN recordings r ON r.id = s.recording_id ORDER BY s.recording_id, s.start, s.id
                """, [.text(sourceLanguage)]
            ).map { row in
                let speaker = try row.optionalString(ListColumns.speaker)
                let text = try row.optionalString(ListColumns.text)
                let state: SegmentListing.State = text != nil ? .settled : try row.int(ListColumns.reviews) > 0 ? .review
                    : try row.int(ListColumns.annotations) > 0 ? .inProgress : .open
                let own = try row.optionalString(ListColumns.own)
                return SegmentListing(
                    segmentID: try row.int(ListColumns.id), recordingID: try row.int(ListColumns.recordingID), recording: try row.string(ListColumns.path),
                    start: try row.double(ListColumns.start), end: try row.double(ListColumns.end), speaker: speaker,
                    speakerSource: own != nil ? try row.optionalString(ListColumns.speakerSource) : speaker == nil ? nil : "metadata",
                    state: state, text: text)
            }
        }
    }

    /// Every recording in the order added, with its segments' speakers and how many settled.
    public func recordingListing(sourceLanguage: String) throws -> [RecordingListing] {
        let segments = try segmentListing(sourceLanguage: sourceLanguage)
        var byRecording: [Int64: [SegmentListing]] = [:]
        for s in segments { byRecording[s.recordingID, default: []].append(s) }
        return try recordings().map { r in
            let mine = byRecording[r.id] ?? []
            return RecordingListing(recordingID: r.id, path: r.path, duration: r.duration, speaker: r.speaker, segments: mine.count,
                                    speakers: Set(mine.compactMap(\.speaker)).sorted(), settled: mine.filter { $0.state == .settled }.count)
        }
    }
}
