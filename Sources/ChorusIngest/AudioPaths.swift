import ChorusAudio
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands the paths a person gives into audio files: files as they are, folders walked
/// recursively for files with an audio extension, in a stable (sorted) order.
public enum AudioPaths {
    /// - Returns: the files to read, and paths that could not be used with the reason.
    public static func expand(_ paths: [String]) -> (files: [String], problems: [(path: String, reason: String)]) {
        var files: [String] = []
        var problems: [(String, String)] = []
        for path in paths {
            var st = stat()
            if stat(path, &st) != 0 {
                problems.append((path, "no such file or folder"))
            } else if (st.st_mode & S_IFMT) == S_IFDIR {
                let before = files.count
                walk(path, into: &files, problems: &problems)
                if files.count == before { problems.append((path, "folder holds no audio files")) }
            } else {
                files.append(path)
            }
        }
        return (files, problems)
    }

    private static func walk(_ folder: String, into files: inout [String], problems: inout [(String, String)]) {
        guard let dir = opendir(folder) else {
            problems.append((folder, "cannot read folder: \(String(cString: strerror(errno)))"))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(dir)
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        for name in names.sorted() {
            let path = base + name
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(path, into: &files, problems: &problems)
            } else if AudioFileExtensions.isAudio(path: path) {
                files.append(path)
            }
        }
    }
}
