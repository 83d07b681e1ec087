import ChorusIngest
import ChorusSupport
import ChorusValidation
import Foundation

/// A corpus being written: a folder beside the target (`.NAME.partial`), every file written
/// under a temporary name and renamed into place, renamed to the target only when complete.
/// A rerun after a crash finds the folder and keeps the clips already cut.
///
/// Nothing is removed that an export did not write: an old corpus is replaced only when every
/// file in it is listed in its `SHA256SUMS` (the listing every export writes), never when it
/// holds or contains the project, its store or a recording in use; a partial folder is reused
/// or removed only when it carries this tool's marker.
final class Output: @unchecked Sendable {
    let target: String
    let partial: String
    private let settings: String
    private let lock = NSLock()
    private var written: Set<String> = []

    /// The marker holding the audio settings a partial folder's clips were cut with.
    static let marker = ".chorus-partial.json"
    /// The listing of an export's files: every file but itself.
    static let listing = "SHA256SUMS"

    /// Checks the target; creates nothing (``prepare()`` does).
    /// - Parameter protected: paths that must never be inside what is replaced: the project
    ///   folder, its store, the recordings in use.
    /// - Throws: ``ExportError`` naming the target and why it cannot be written.
    init(target: String, settings: String, force: Bool, protected: [String]) throws {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        self.target = url.path
        self.settings = settings
        partial = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial").path
        let real = Self.realPath(self.target)
        for path in protected {
            let p = Self.realPath(path)
            if p == real || p.hasPrefix(real == "/" ? "/" : real + "/") {
                throw ExportError(.target, at: self.target, "holds \(path), which the project uses; choose an --out outside it")
            }
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: self.target, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ExportError(.target, at: self.target, "exists and is not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: self.target)) ?? []
            if !contents.isEmpty {
                guard contents.contains("export.json") else {
                    throw ExportError(.target, at: self.target, "exists and is not a Chorus corpus (no export.json); choose another --out")
                }
                guard force else { throw ExportError(.target, at: self.target, "a corpus is already there; --force replaces it") }
                let foreign = try Self.unlisted(in: self.target)
                if !foreign.isEmpty {
                    let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
                    throw ExportError(.target, at: self.target, "holds files no export wrote (\(shown)); move them out or choose another --out")
                }
            }
        }
        if fm.fileExists(atPath: self.target) && fm.fileExists(atPath: aside) {
            throw ExportError(.target, at: aside, "is in the way of replacing the corpus (an earlier replacement left it); move it away")
        }
        if fm.fileExists(atPath: partial) && !fm.fileExists(atPath: partial + "/" + Self.marker) {
            throw ExportError(.target, at: partial, "exists and was not left by an export; move it away or choose another --out")
        }
    }

    /// Creates the partial folder, or reuses one an earlier run with the same audio settings left.
    func prepare() throws {
        let fm = FileManager.default
        let markerPath = partial + "/" + Self.marker
        if fm.fileExists(atPath: markerPath) {
            let previous = (try? String(contentsOfFile: markerPath, encoding: .utf8)) ?? ""
            if previous != settings { try fm.removeItem(atPath: partial) }
        }
        do {
            try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
            try settings.write(toFile: markerPath, atomically: true, encoding: .utf8)
        } catch {
            throw ExportError(.write, at: partial, "cannot create the export folder: \(error.localizedDescription)")
        }
    }

    /// Where an old corpus is moved while the new one takes its place (`.NAME.old`).
    var aside: String { partial.replacingOccurrences(of: ".partial", with: ".old", options: .backwards) }

    /// Whether the target holds a corpus now (one that a failed export must not replace).
    var replacesCorpus: Bool { FileManager.default.fileExists(atPath: target + "/export.json") }

    /// Files and folders in `corpus` that its listing does not name (symbolic links count as files).
    static func unlisted(in corpus: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: corpus + "/" + listing, encoding: .utf8) else {
            throw ExportError(.target, at: corpus, "has no readable \(listing) listing its files, so --force cannot tell what an export wrote; remove it yourself or choose another --out")
        }
        var listed: Set<String> = [listing]
        for line in text.split(separator: "\n") {
            guard let gap = line.range(of: "  ") else { continue }
            listed.insert(String(line[gap.upperBound...]))
        }
        var foreign: [String] = []
        walk(corpus, "") { relative, isFolder in
            if !isFolder && !listed.contains(relative) { foreign.append(relative) }
        }
        return foreign.sorted()
    }

    /// Calls `visit` for every entry below `root` (folders after what they hold), without following links.
    private static func walk(_ root: String, _ relative: String, _ visit: (String, Bool) -> Void) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() {
            let child = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(root + "/" + child, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(root, child, visit)
                visit(child, true)
            } else {
                visit(child, false)
            }
        }
    }

    /// `path` with links resolved as far as it exists (what is left appended as given).
    static func realPath(_ path: String) -> String {
        var head = URL(fileURLWithPath: path).standardizedFileURL.path
        var tail: [String] = []
        while true {
            if let resolved = realpath(head, nil) {
                defer { free(resolved) }
                return ([String(cString: resolved)] + tail.reversed()).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
            }
            guard head != "/" && !head.isEmpty else { return path }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
    }

    /// Whether a resumed run already has this file.
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    func path(_ relative: String) -> String {
        precondition(Self.isContained(relative), "\(relative) would leave the corpus folder")
        return partial + "/" + relative
    }

    /// Records that `relative` belongs to the corpus (files not recorded are removed at the end).
    func keep(_ relative: String) {
        lock.withLock { _ = written.insert(relative) }
    }

    /// Takes `relative` back out of the corpus: it is removed at the end.
    func forget(_ relative: String) {
        lock.withLock { _ = written.remove(relative) }
    }

    func makeFolder(for relative: String) throws {
        let folder = (path(relative) as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes a file under a temporary name and renames it into place (``Replacement``).
    func write(_ relative: String, _ data: Data) throws {
        do {
            try makeFolder(for: relative)
            try Replacement.write(data, to: path(relative))
        } catch let error as ReplacementError {
            throw ExportError(.write, at: path(relative), error.message)
        } catch {
            throw ExportError(.write, at: path(relative), "cannot write: \(error.localizedDescription)")
        }
        keep(relative)
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Data(text.utf8)) }

    /// Writes a file too large to hold in memory: `body` writes the temporary path it is
    /// given, which is renamed into place when it returns.
    func stream(_ relative: String, _ body: (String) throws -> Void) throws {
        var replacement: Replacement?
        do {
            try makeFolder(for: relative)
            let r = try Replacement(path: path(relative))
            replacement = r
            try body(r.writePath)
            try r.commit()
        } catch let error as ExportError {
            replacement?.discard()
            throw error
        } catch let error as ReplacementError {
            throw ExportError(.write, at: path(relative), error.message)
        } catch {
            replacement?.discard()
            throw ExportError(.write, at: path(relative), "cannot write: \(error.localizedDescription)")
        }
        keep(relative)
    }

    /// A second name for a file already written (a hard link; a copy across file systems).
    func link(_ existing: String, as relative: String) throws {
        do {
            try makeFolder(for: relative)
            let to = path(relative)
            if FileManager.default.fileExists(atPath: to) { try FileManager.default.removeItem(atPath: to) }
            if Foundation.link(path(existing), to) != 0 {
                try FileManager.default.copyItem(atPath: path(existing), toPath: to)
            }
        } catch {
            throw ExportError(.write, at: path(relative), "cannot write: \(error.localizedDescription)")
        }
        keep(relative)
    }

    /// Removes files of an earlier attempt that are not part of this corpus, writes
    /// `SHA256SUMS` over every file, and moves the folder to the target. An old corpus there is
    /// moved aside and only the files its listing names are removed; anything else found in it
    /// meanwhile stays, in a folder the returned note names.
    /// - Returns: a note when something of the old corpus was kept.
    @discardableResult
    func finish() throws -> String? {
        let fm = FileManager.default
        try? fm.removeItem(atPath: partial + "/" + Self.marker)
        let keep = lock.withLock { written }
        var files: [String] = []
        var folders: [String] = []
        Self.walk(partial, "") { relative, isFolder in
            if isFolder {
                folders.append(relative)
            } else if keep.contains(relative) {
                files.append(relative)
            } else {
                // Ours: the partial folder carries the marker, so everything in it was written by an export.
                try? fm.removeItem(atPath: partial + "/" + relative)
            }
        }
        for folder in folders { rmdir(partial + "/" + folder) }
        files.sort()
        let sums = try Checksums.sha256(files.map { partial + "/" + $0 })
        try write(Self.listing, zip(sums, files).map { "\($0)  \($1)\n" }.joined())
        let old = aside
        var movedAside = false
        if fm.fileExists(atPath: target) {
            if fm.fileExists(atPath: old) {
                throw ExportError(.target, at: old, "is in the way of replacing the old corpus (an earlier replacement left it); move it away")
            }
            guard rename(target, old) == 0 else { throw ExportError(.write, at: target, "cannot move the old corpus aside: \(String(cString: strerror(errno)))") }
            movedAside = true
        }
        guard rename(partial, target) == 0 else {
            let reason = String(cString: strerror(errno))
            if movedAside { rename(old, target) }
            throw ExportError(.write, at: target, "cannot move the corpus into place: \(reason)")
        }
        guard movedAside else { return nil }
        return Self.removeCorpus(at: old)
    }

    /// Removes the files `corpus`'s listing names, then the folders left empty.
    /// - Returns: nil when the folder is gone, else a note naming what was kept.
    static func removeCorpus(at corpus: String) -> String? {
        guard let listed = try? unlisted(in: corpus) else {
            return "\(corpus): the old corpus's listing is gone, so nothing in it was removed"
        }
        let foreign = Set(listed)
        var kept = false
        walk(corpus, "") { relative, isFolder in
            let path = corpus + "/" + relative
            if isFolder {
                rmdir(path)
            } else if foreign.contains(relative) {
                kept = true
            } else {
                unlink(path)
            }
        }
        guard !kept, rmdir(corpus) == 0 else {
            return "\(corpus): the old corpus's folder holds files no export wrote (\(foreign.sorted().prefix(3).joined(separator: ", "))); they were left there"
        }
        return nil
    }

    /// No `..`, no absolute path, no control characters, no empty component.
    static func isContained(_ relative: String) -> Bool {
        !relative.hasPrefix("/") && !relative.isEmpty
            && relative.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." }
            && !relative.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

enum Checksums {
    /// SHA-256 of each file, over the cores.
    static func sha256(_ paths: [String]) throws -> [String] {
        let results = Parallel.each(paths) { path in Result { try ContentHash.sha256(path: path) } }
        return try results.map { try $0.get() }
    }
}

/// An export that cannot be written, or a target it must not touch.
public struct ExportError: ChorusError {
    public struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case target, write, nothingToExport }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// `--out` cannot be used (it holds the project, files no export wrote, ...).
        public static let target = Code(.target)
        /// Writing, moving or compressing failed.
        public static let write = Code(.write)
        /// Nothing is settled for export (and `--allow-empty` was not given).
        public static let nothingToExport = Code(.nothingToExport)
        public var name: String {
            switch value {
            case .target: "target"
            case .write: "write"
            case .nothingToExport: "nothing-to-export"
            }
        }
    }

    public var code: Code
    public var message: String
    public var location: String?
    public var underlying: (any Error & Sendable)?
    public var errorCode: String { code.name }

    init(_ code: Code, at location: String?, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.location = location
        self.message = message
        self.underlying = underlying
    }
}
