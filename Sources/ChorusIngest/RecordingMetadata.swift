import ChorusSupport
import Foundation

/// Per-recording metadata from a CSV file (`chorus segment --metadata FILE.csv`).
///
/// Strict RFC 4180 with a header row (a UTF-8 byte order mark is accepted): fields separated by
/// commas, records by CRLF or LF, quoted fields may hold commas, line breaks and doubled quotes.
/// A `file` column names each recording, by the path as given to `chorus segment` or by its
/// file name; an optional `speaker` column gives its speaker; every other column is kept as
/// the recording's metadata, by column name.
public struct RecordingMetadata: Sendable {
    public struct Entry: Sendable, Equatable {
        public var speaker: String?
        /// The other columns, as a JSON object (keys sorted).
        public var json: String
        /// The line of the file it came from.
        public var line: Int
    }

    public let path: String
    /// Rows by the `file` value as written, by that value made absolute (rows naming a path),
    /// and by bare file name (rows naming no folder).
    private let byPath: [String: Entry]
    private let byAbsolute: [String: Entry]
    private let byName: [String: Entry]

    /// Reads and checks the file.
    /// - Throws: ``MetadataError`` naming the file, and the line where there is one.
    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(at: path, "cannot read the file")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw MetadataError(at: path, "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let records = try CSVRecords.parse(text, path: path)
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw MetadataError(at: path, "empty; the first line must name the columns")
        }
        guard let fileColumn = header.firstIndex(of: "file") else {
            throw MetadataError(at: path, "no 'file' column in the header (\(header.joined(separator: ",")))")
        }
        let speakerColumn = header.firstIndex(of: "speaker")
        var byPath: [String: Entry] = [:], byAbsolute: [String: Entry] = [:], byName: [String: Entry] = [:]
        for record in records.dropFirst() {
            let row = record.fields
            let at = "\(path):\(record.line)"
            guard row.count == header.count else {
                throw MetadataError(at: at, "\(row.count) fields, but the header has \(header.count)")
            }
            let file = row[fileColumn].trimmingCharacters(in: .whitespaces)
            guard !file.isEmpty else { throw MetadataError(at: at, "field 'file' is empty") }
            if let earlier = byPath[file] {
                throw MetadataError(at: at, "'\(file)' is listed twice (first on line \(earlier.line))")
            }
            var others: [String: String] = [:]
            for (column, name) in header.enumerated() where column != fileColumn && column != speakerColumn {
                others[name] = row[column]
            }
            let data = try JSONSerialization.data(withJSONObject: others, options: [.sortedKeys, .withoutEscapingSlashes])
            let speaker = speakerColumn.map { row[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            let entry = Entry(speaker: speaker, json: String(decoding: data, as: UTF8.self), line: record.line)
            byPath[file] = entry
            if file.contains("/") {
                byAbsolute[Self.absolute(file)] = entry
            } else {
                byName[file] = entry
            }
        }
        self.byPath = byPath
        self.byAbsolute = byAbsolute
        self.byName = byName
    }

    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// The rows that describe a recording given as `file`: one naming it by its path (as given
    /// or resolved), and one naming it by its bare file name.
    private func matches(_ file: String) -> [Entry] {
        var found: [Entry] = []
        if let e = byPath[file] ?? byAbsolute[Self.absolute(file)] { found.append(e) }
        if let e = byName[(file as NSString).lastPathComponent], !found.contains(e) { found.append(e) }
        return found
    }

    /// The entry for a recording given as `path`: by the path itself, else by its file name.
    public func entry(for path: String) -> Entry? { matches(path).first }

    /// Checks the rows against the files of a batch before anything is stored.
    /// - Returns: warnings for rows that name no file of the batch.
    /// - Throws: ``MetadataError`` when one file is described by two rows that disagree (once by
    ///   its path and once by its name).
    public func check(files: [String]) throws -> [String] {
        var used = Set<Int>()
        for file in files {
            let found = matches(file)
            if found.count == 2 && (found[0].speaker != found[1].speaker || found[0].json != found[1].json) {
                throw MetadataError(at: path, "lines \(found[0].line) and \(found[1].line) both describe \(file), differently; keep one")
            }
            for e in found { used.insert(e.line) }
        }
        return byPath.filter { !used.contains($0.value.line) }.sorted { $0.value.line < $1.value.line }.map {
            "\(path):\($0.value.line): '\($0.key)' matches no file of this batch; the row is not used"
        }
    }
}

/// RFC 4180 records with the line each starts on. Strict: a quote inside an unquoted field,
/// text after a closing quote, and an unclosed quote are errors, named with their line.
enum CSVRecords {
    struct Record { var fields: [String]; var line: Int }

    static func parse(_ text: String, path: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1, quoteLine = 1
        var quoted = false, afterQuote = false, fieldStarted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.last != "\n" { scalars.append("\n") }
        var i = 0
        func fail(_ at: Int, _ message: String) -> MetadataError { MetadataError(at: "\(path):\(at)", message) }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 2; continue }
                    quoted = false
                    afterQuote = true
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
                fieldStarted = true
            case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
                break
            case "\n":
                if fieldStarted || !field.isEmpty || afterQuote || !fields.isEmpty {
                    fields.append(field)
                    records.append(Record(fields: fields, line: recordLine))
                }
                fields = []
                field = ""
                afterQuote = false
                fieldStarted = false
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty && !afterQuote else {
                    throw fail(line, afterQuote ? "a quoted field is followed by more text; quote the whole field" : "a quote inside an unquoted field; quote the field and double the quote (\"\")")
                }
                quoted = true
                quoteLine = line
                fieldStarted = true
            default:
                if afterQuote { throw fail(line, "a quoted field is followed by more text; quote the whole field") }
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
            i += 1
        }
        if quoted { throw fail(quoteLine, "a quoted field is not closed (its quote opens on this line)") }
        return records
    }
}

/// A metadata file that cannot be used: the file (and line) and what is wrong.
public struct MetadataError: ChorusError {
    public var message: String
    public var location: String?
    public var errorCode: String { "invalid-metadata" }
    public var underlying: (any Error & Sendable)? { nil }

    init(at location: String, _ message: String) {
        self.location = location
        self.message = message
    }
}
