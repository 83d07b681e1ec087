import ChorusAudio
import ChorusSegmentation
import ChorusStore
import Foundation

/// What importing one file into a project came to.
public enum ImportOutcome: Sendable {
    /// A new recording, stored with its segments.
    case imported(FileSegmentation, sha256: String)
    /// The same content was imported before (under this or another name); nothing was added
    /// but, when given, its speaker and metadata (`metadataChanged` when they differed).
    case known(path: String, sha256: String, metadataChanged: Bool = false)
    /// Content already in the project, segmented again and its segments replaced (`--resegment`).
    case resegmented(FileSegmentation, sha256: String)
    case failed(path: String, reason: String)
}

/// Imports recordings into a project: each file is hashed, skipped if its content is already
/// there, otherwise segmented and stored with its segments in one transaction.
public enum ProjectImport {
    /// Imports `files` on `jobs` threads; outcomes arrive in input order on the calling thread,
    /// after the file's transaction is committed.
    /// - Parameter resegment: segment content already in the project again with `configuration`
    ///   and replace its segments, unless they carry work (then that file fails, named).
    /// - Parameter metadata: speakers and other columns per file; also set on content already there.
    public static func run(
        files: [String], into project: Project, configuration: SegmenterConfiguration, allowTruncated: Bool = false,
        resegment: Bool = false, metadata: RecordingMetadata? = nil, diarization: Diarization? = nil,
        jobs: Int, progress: (Int) -> Void = { _ in }, deliver: (Int, ImportOutcome) -> Void
    ) {
        let store = project.store
        let concurrent = FileSegmenter.coreToSpare(jobs: jobs, files: files.count)
        OrderedBatch.run(count: files.count, jobs: jobs, work: { index -> ImportOutcome in
            let path = files[index]
            do {
                let sha = try ContentHash.sha256(path: path)
                let known = try store.recording(sha256: sha) != nil
                if known && !resegment { return .known(path: path, sha256: sha, metadataChanged: false) }
                var result = try FileSegmenter.segment(path: path, configuration: configuration, allowTruncated: allowTruncated, concurrent: concurrent)
                diarization?.apply(to: &result)
                return known ? .resegmented(result, sha256: sha) : .imported(result, sha256: sha)
            } catch {
                return .failed(path: path, reason: BatchSegmenter.reason(error))
            }
        }, progress: progress) { index, outcome in
            let (result, sha): (FileSegmentation, String)
            switch outcome {
            case .imported(let r, let s), .resegmented(let r, let s): (result, sha) = (r, s)
            case .known(let path, let s, _):
                if let turns = diarization?.turns(for: path) {
                    // Already segmented: each segment gets the speaker heard most; a speaker a
                    // person set (in the loop, or by import) stays.
                    do {
                        if let recording = try store.recording(sha256: s) {
                            let segments = try store.segments(recording: recording.id)
                            let a = SpeakerAssignment.assign(segments.map { Segment(start: $0.start, end: $0.end, speechStart: $0.start, speechEnd: $0.end) },
                                                             turns: turns, minimum: .infinity)
                            try store.setSpeakers(zip(segments, a.speakers).compactMap { s, name in name.map { (s.id, $0) } }, source: .rttm)
                        }
                    } catch {
                        return deliver(index, .failed(path: path, reason: "\(error)"))
                    }
                }
                if let entry = metadata?.entry(for: path) {
                    do {
                        let changed = try store.setMetadata(of: s, speaker: entry.speaker, metadata: entry.json)
                        return deliver(index, .known(path: path, sha256: s, metadataChanged: changed))
                    } catch {
                        return deliver(index, .failed(path: path, reason: "\(error)"))
                    }
                }
                return deliver(index, outcome)
            case .failed: return deliver(index, outcome)
            }
            do {
                var recording = newRecording(result, sha256: sha, configuration: configuration)
                let stamp = FileStamp.of(result.path)
                recording.sizeBytes = stamp?.sizeBytes
                recording.modifiedAt = stamp?.modifiedAt
                if let entry = metadata?.entry(for: result.path) {
                    recording.speaker = entry.speaker
                    recording.metadata = entry.json
                }
                recording.transcriptionTasks = (project.config.sourceLanguage.value, project.config.redundancy)
                if case .resegmented = outcome {
                    try store.replaceSegments(of: sha, with: recording)
                    try store.setMetadata(of: sha, speaker: recording.speaker, metadata: recording.metadata)
                    return deliver(index, outcome)
                }
                let (_, added) = try store.add(recording)
                // Two names for one content in the same batch: the second finds the first stored.
                deliver(index, added ? outcome : .known(path: result.path, sha256: sha))
            } catch let error as ProjectError {
                deliver(index, .failed(path: result.path, reason: error.message))
            } catch {
                deliver(index, .failed(path: result.path, reason: "\(error)"))
            }
        }
    }

    static func newRecording(_ r: FileSegmentation, sha256: String, configuration: SegmenterConfiguration) -> NewRecording {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = (try? encoder.encode(configuration)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // Stored absolute, so every command finds the file wherever it is run from.
        return NewRecording(
            sha256: sha256, path: URL(fileURLWithPath: r.path).standardizedFileURL.path, duration: r.summary.duration, sampleRate: r.info.sampleRate, channels: r.info.channels,
            container: r.info.container, encoding: r.info.encoding, segmenter: settings,
            segments: r.segments.map { ($0.start, $0.end, $0.speechStart, $0.speechEnd) }, segmentSpeakers: r.speakers)
    }
}
