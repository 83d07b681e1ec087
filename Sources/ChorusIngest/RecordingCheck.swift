import ChorusStore
import Foundation

/// A file's size and modification time: the cheap sign that it changed.
public struct FileStamp: Sendable, Equatable {
    public var sizeBytes: Int64
    /// Seconds since 1970, with the file system's sub-second part.
    public var modifiedAt: Double

    /// The stamp of the file at `path` (links followed), or nil when it cannot be read.
    public static func of(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(sizeBytes: Int64(st.st_size), modifiedAt: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}

/// Whether each recording's file is still the one imported: there, and with the same content.
///
/// By default the check is cheap: a file whose size and modification time are as recorded at
/// import is taken as unchanged; only one whose stamp differs is hashed again (a file touched
/// but not changed passes). With `rehash` every file is hashed. Recordings imported before
/// stamps were kept are checked for presence only, unless `rehash`.
public enum RecordingCheck {
    public struct Problem: Sendable, Equatable {
        public enum Kind: String, Sendable { case missing, changed, unreadable }
        public var recordingID: Int64
        /// The file as resolved.
        public var path: String
        public var kind: Kind
        /// One line: what is wrong and what to do.
        public var message: String
    }

    /// Checks the files of `recordings`, `paths[i]` being where recording `i`'s file is, over the cores.
    public static func run(_ recordings: [ProjectSnapshot.Recording], paths: [String], rehash: Bool) -> [Problem] {
        var found: [Problem] = []
        OrderedBatch.run(
            count: recordings.count, jobs: ProcessInfo.processInfo.activeProcessorCount,
            work: { i in check(recordings[i], path: paths[i], rehash: rehash) }
        ) { _, problem in
            if let problem { found.append(problem) }
        }
        return found
    }

    static func check(_ r: ProjectSnapshot.Recording, path: String, rehash: Bool) -> Problem? {
        guard let stamp = FileStamp.of(path) else {
            return Problem(recordingID: r.id, path: path, kind: .missing,
                           message: "the recording's file is missing; put it back, or export with --audio-root where it now is")
        }
        let known = r.sizeBytes.map { FileStamp(sizeBytes: $0, modifiedAt: r.modifiedAt ?? 0) }
        guard rehash || (known != nil && known != stamp) else { return nil }
        do {
            if try ContentHash.sha256(path: path) != r.sha256 {
                return Problem(recordingID: r.id, path: path, kind: .changed,
                               message: "the recording's content changed since it was imported (its SHA-256 differs); restore the original file")
            }
        } catch {
            return Problem(recordingID: r.id, path: path, kind: .unreadable, message: "the recording cannot be read: \(error)")
        }
        return nil
    }
}

/// Where a recording's file is: stored absolute, or (projects imported by earlier versions) as
/// given to `chorus segment`, relative to where it ran.
public enum RecordingLocation {
    /// - Parameter root: where to look first for a relative path (`--audio-root`); then the
    ///   working directory, the project folder and its parent.
    public static func resolve(_ path: String, root: String?, project: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        let candidates = [root, cwd, project, (project as NSString).deletingLastPathComponent].compactMap { $0 }.map { ($0 as NSString).appendingPathComponent(path) }
        let found = candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
        return URL(fileURLWithPath: found).standardizedFileURL.path
    }
}
