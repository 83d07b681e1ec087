import ChorusAudio
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands the paths a person gives into audio files: files as they are, folders walked
/// recursively for files with an audio extension, in a stable (sorted) order.
///
/// Every audio file on disk is either listed or reported: a name that is not UTF-8 (which the
/// store cannot keep as text) and a link that leads nowhere are reported, not passed over. Each
/// real file and folder is seen once (by device and inode), so a link back to a folder above it
/// is reported once rather than followed round, and a file reached by two names is listed once.
/// Names starting with a dot are passed over, as `ls` does.
public enum AudioPaths {
    /// - Returns: the files to read, and paths that could not be used with the reason.
    public static func expand(_ paths: [String]) -> (files: [String], problems: [(path: String, reason: String)]) {
        var walk = Walk()
        for path in paths {
            var st = stat()
            if stat(path, &st) != 0 {
                let reason = path.contains("\u{FFFD}")
                    ? "no such file or folder (its name as given is not valid UTF-8; rename it)"
                    : "no such file or folder"
                walk.problems.append((path, reason))
            } else if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = walk.files.count
                walk.folder(path, st)
                if walk.files.count == before { walk.problems.append((path, "folder holds no audio files")) }
            } else if walk.firstVisit(st) {
                walk.files.append(path)
            }
        }
        return (walk.files, walk.problems)
    }

    private struct Identity: Hashable { let device: UInt64; let inode: UInt64 }

    private struct Walk {
        var files: [String] = []
        var problems: [(String, String)] = []
        var seen: Set<Identity> = []
        var folders: [Identity: String] = [:]

        mutating func firstVisit(_ st: stat) -> Bool {
            seen.insert(Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))).inserted
        }

        mutating func folder(_ path: String, _ st: stat) {
            let id = Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            if let first = folders[id] {
                problems.append((path, "leads back to \(first), already read; not followed again"))
                return
            }
            folders[id] = path
            guard let dir = opendir(path) else {
                problems.append((path, "cannot read folder: \(String(cString: strerror(errno)))"))
                return
            }
            var names: [[UInt8]] = []
            while let entry = readdir(dir) {
                let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
                if bytes.first == UInt8(ascii: ".") { continue }
                names.append(bytes)
            }
            closedir(dir)
            let base = path.hasSuffix("/") ? path : path + "/"
            for bytes in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                var st = stat()
                let found = (Array(base.utf8) + bytes + [0]).withUnsafeBufferPointer { raw in
                    raw.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &st) == 0 }
                }
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    if found && (st.st_mode & S_IFMT) == S_IFDIR || AudioFileExtensions.isAudio(path: Self.shown(bytes)) {
                        problems.append((base + Self.shown(bytes), "the name is not valid UTF-8, so it cannot be stored; rename it (convmv converts names)"))
                    }
                    continue
                }
                let child = base + name
                guard found else {
                    if AudioFileExtensions.isAudio(path: child) { problems.append((child, "a link to a file that does not exist")) }
                    continue
                }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    folder(child, st)
                } else if AudioFileExtensions.isAudio(path: child) && firstVisit(st) {
                    files.append(child)
                }
            }
        }

        /// A name's bytes for a message: UTF-8 where it is, `\xNN` for the rest.
        static func shown(_ bytes: [UInt8]) -> String {
            var out = ""
            var i = 0
            while i < bytes.count {
                var decoded = false
                for length in (1...min(4, bytes.count - i)).reversed() {
                    if let s = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                        out += s
                        i += length
                        decoded = true
                        break
                    }
                }
                if !decoded {
                    out += String(format: "\\x%02X", bytes[i])
                    i += 1
                }
            }
            return out
        }
    }
}
