import ChorusIngest
import ChorusValidation
import Foundation

/// A corpus being written: a folder beside the target (`.NAME.partial`), every file written
/// under a temporary name and renamed into place, renamed to the target only when complete.
/// A rerun after a crash finds the folder and keeps the clips already cut.
final class Output: @unchecked Sendable {
    let target: String
    let partial: String
    private let lock = NSLock()
    private var written: Set<String> = []

    /// The marker holding the audio settings a partial folder's clips were cut with.
    static let marker = ".chorus-partial.json"

    init(target: String, settings: String, force: Bool) throws {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        self.target = url.path
        partial = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial").path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: self.target, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ExportError("\(self.target): exists and is not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: self.target)) ?? []
            if !contents.isEmpty {
                guard contents.contains("export.json") else {
                    throw ExportError("\(self.target): exists and is not a Chorus corpus (no export.json); choose another --out")
                }
                guard force else { throw ExportError("\(self.target): a corpus is already there; --force replaces it") }
            }
        }
        let markerPath = partial + "/" + Self.marker
        if fm.fileExists(atPath: partial) {
            let previous = (try? String(contentsOfFile: markerPath, encoding: .utf8)) ?? ""
            if previous != settings { try fm.removeItem(atPath: partial) }
        }
        do {
            try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
            try settings.write(toFile: markerPath, atomically: true, encoding: .utf8)
        } catch {
            throw ExportError("\(partial): cannot create the export folder: \(error.localizedDescription)")
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

    /// Writes a file under a temporary name and renames it into place.
    func write(_ relative: String, _ data: Data) throws {
        do {
            try makeFolder(for: relative)
            try data.write(to: URL(fileURLWithPath: path(relative)), options: .atomic)
        } catch {
            throw ExportError("\(path(relative)): cannot write: \(error.localizedDescription)")
        }
        keep(relative)
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Data(text.utf8)) }

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
            throw ExportError("\(path(relative)): cannot write: \(error.localizedDescription)")
        }
        keep(relative)
    }

    /// Removes files of an earlier attempt that are not part of this corpus, writes
    /// `SHA256SUMS` over every file, and moves the folder to the target (replacing an old corpus).
    func finish() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: partial + "/" + Self.marker)
        let keep = lock.withLock { written }
        var files: [String] = []
        if let walker = fm.enumerator(atPath: partial) {
            while let relative = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                _ = fm.fileExists(atPath: partial + "/" + relative, isDirectory: &isDirectory)
                if isDirectory.boolValue { continue }
                if keep.contains(relative) { files.append(relative) } else { try? fm.removeItem(atPath: partial + "/" + relative) }
            }
        }
        files.sort()
        let sums = try Checksums.sha256(files.map { partial + "/" + $0 })
        try write("SHA256SUMS", zip(sums, files).map { "\($0)  \($1)\n" }.joined())
        let old = partial.replacingOccurrences(of: ".partial", with: ".old", options: .backwards)
        if fm.fileExists(atPath: target) {
            try? fm.removeItem(atPath: old)
            guard rename(target, old) == 0 else { throw ExportError("\(target): cannot move the old corpus aside: \(String(cString: strerror(errno)))") }
        }
        guard rename(partial, target) == 0 else { throw ExportError("\(target): cannot move the corpus into place: \(String(cString: strerror(errno)))") }
        try? fm.removeItem(atPath: old)
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

public struct ExportError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
