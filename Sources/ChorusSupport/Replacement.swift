import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How an output is put at a path without damaging what is there: the one rule behind every
/// file Chorus writes whole (a manifest, an audio file, a project's configuration, saved
/// credentials).
///
/// - A new or regular file is written beside its destination under a temporary name and
///   renamed over it by ``commit()``, so a failed run leaves the old file whole and a reader
///   never sees half a file. The replaced file's permissions are kept.
/// - A symbolic link is followed: the file it points to is replaced and the link is kept.
/// - A device, pipe, socket or descriptor (`/dev/null`, `/dev/stdout`, `/dev/fd/N`, a FIFO,
///   anything under `/proc`) is written in place, appending, and never replaced or removed:
///   renaming a file over `/dev/null` would put a regular file where the device was.
/// - A directory is refused.
public struct Replacement: Sendable {
    /// The path as given.
    public let path: String
    /// Where to write: the temporary file, or the destination itself when written in place.
    public let writePath: String
    /// The file that is replaced: `path`, or the file its symbolic links lead to.
    public let destination: String
    /// Permissions to give the new file: those asked for, else those of the file it replaces
    /// (nil: a new file's defaults).
    private let mode: mode_t?

    /// Whether the output is written in place (a device, pipe, socket or descriptor): open it
    /// for appending, without creating or truncating it, and do not sync it.
    public var inPlace: Bool { writePath == destination }

    /// Decides how to write `path`. With `permissions`, the new file gets those instead of the
    /// replaced file's (credentials stay private whatever was there).
    /// - Throws: ``ReplacementError`` when `path` is a directory or its links go round in circles.
    public init(path: String, permissions: mode_t? = nil) throws(ReplacementError) {
        self.path = path
        var target = path
        var hops = 0
        while true {
            if Self.isDescriptorPath(target) {
                (destination, writePath, mode) = (target, target, nil)
                return
            }
            var info = stat()
            guard lstat(target, &info) == 0 else {
                // Nothing there yet (or a link's target that does not exist yet): a new file.
                break
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                hops += 1
                guard hops <= 16 else { throw ReplacementError(path: path, message: "too many levels of symbolic links") }
                guard let link = Self.readLink(target) else { throw ReplacementError(path: path, message: "cannot read the symbolic link \(target)") }
                target = link.hasPrefix("/") ? link : Self.directory(of: target) + link
                continue
            case S_IFREG:
                (destination, writePath, mode) = (target, Self.temporaryName(for: target), permissions ?? info.st_mode & 0o7777)
                return
            case S_IFDIR:
                throw ReplacementError(path: path, message: "is a directory")
            default:
                // A device, pipe or socket.
                (destination, writePath, mode) = (target, target, nil)
                return
            }
        }
        (destination, writePath, mode) = (target, Self.temporaryName(for: target), permissions)
    }

    /// The first of `paths` that is the file this output would replace (the same file, by
    /// device and inode, whatever the names and links), if any: an output must never replace
    /// what the same run reads (a recording, the project's store). Nothing for an output
    /// written in place.
    public func replaces(anyOf paths: some Sequence<String>) -> String? {
        guard !inPlace else { return nil }
        var target = stat()
        guard stat(destination, &target) == 0 else { return nil }
        for candidate in paths {
            var info = stat()
            if stat(candidate, &info) == 0, info.st_dev == target.st_dev, info.st_ino == target.st_ino { return candidate }
        }
        return nil
    }

    /// Renames the temporary file over the destination, with the permissions decided at
    /// ``init(path:permissions:)``; nothing when written in place. On failure the temporary
    /// file is removed.
    public func commit() throws(ReplacementError) {
        guard !inPlace else { return }
        if let mode, chmod(writePath, mode) != 0 {
            let cause = String(cString: strerror(errno))
            discard()
            throw ReplacementError(path: path, message: "cannot keep its permissions: \(cause)")
        }
        guard rename(writePath, destination) == 0 else {
            let cause = String(cString: strerror(errno))
            discard()
            throw ReplacementError(path: path, message: "cannot move into place: \(cause)")
        }
    }

    /// Removes the temporary file, if any; never the destination.
    public func discard() {
        if !inPlace { unlink(writePath) }
    }

    /// Writes `data` whole to `path` by these rules (with `permissions`, see ``init(path:permissions:)``).
    /// With `sync`, the data reach the disk before the rename (a crash leaves the old file or
    /// the new one, whole); without, as Foundation's atomic write does, an export's many small
    /// files are not each waited for.
    public static func write(_ data: Data, to path: String, permissions: mode_t? = nil, sync: Bool = false) throws(ReplacementError) {
        let replacement = try Replacement(path: path, permissions: permissions)
        let flags = replacement.inPlace ? O_WRONLY | O_APPEND : O_WRONLY | O_CREAT | O_TRUNC
        // Created with no more than it will have, so it is never readable by others meanwhile.
        let fd = open(replacement.writePath, flags, permissions ?? 0o666)
        guard fd >= 0 else { throw ReplacementError(path: path, message: "cannot create: \(String(cString: strerror(errno)))") }
        var failure: String?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let wrote = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += wrote
            }
        }
        if failure == nil, sync, !replacement.inPlace, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            replacement.discard()
            throw ReplacementError(path: path, message: "write failed: \(failure)")
        }
        try replacement.commit()
    }

    /// `.NAME.tmp-PID` beside `path`.
    private static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory(of: path)).\(name).tmp-\(getpid())"
    }

    /// The directory part of `path`, with its trailing slash; empty for a bare name.
    private static func directory(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
    }

    /// A process's descriptors: `/dev/stdout` (and `stdin`, `stderr`), `/dev/fd/N` and
    /// anything under `/proc`. They lead to whatever the descriptor is, which may be a file the
    /// shell opened for appending (`>> all.jsonl`): written in place, never followed and
    /// replaced. (Other paths under `/dev` are judged by what they are: `/dev/null` is a device,
    /// a file in `/dev/shm` a file.)
    private static func isDescriptorPath(_ path: String) -> Bool {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        // Lexically, without following links ("." and ".." taken out).
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        guard parts.count > 1 else { return false }
        if parts[0] == "proc" { return true }
        return parts[0] == "dev" && (["stdin", "stdout", "stderr"].contains(parts[1]) || (parts[1] == "fd" && parts.count > 2))
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An output that cannot be put at its path.
public struct ReplacementError: ChorusError {
    public let path: String
    public let message: String
    public var location: String? { path }
    public var errorCode: String { "write" }
    public var underlying: (any Error & Sendable)? { nil }
}
