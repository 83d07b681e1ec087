import Foundation
import SwiftCSV

/// Per-recording metadata from a CSV file (`chorus segment --metadata FILE.csv`).
///
/// RFC 4180 with a header row. A `file` column names each recording, by the path as given to
/// `chorus segment` or by its file name; an optional `speaker` column gives its speaker; every
/// other column is kept as the recording's metadata, by column name.
public struct RecordingMetadata: Sendable {
    public struct Entry: Sendable, Equatable {
        public var speaker: String?
        /// The other columns, as a JSON object (keys sorted).
        public var json: String
    }

    private let byPath: [String: Entry]
    private let byName: [String: Entry]

    /// Reads and checks the file.
    /// - Throws: ``MetadataError`` naming the file, and the line where there is one.
    public init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MetadataError(description: "\(path): cannot read as UTF-8 text")
        }
        let csv: CSV<Enumerated>
        do { csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false) } catch {
            throw MetadataError(description: "\(path): not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let fileColumn = header.firstIndex(of: "file") else {
            throw MetadataError(description: "\(path): no 'file' column in the header (\(header.joined(separator: ",")))")
        }
        let speakerColumn = header.firstIndex(of: "speaker")
        var byPath: [String: Entry] = [:], byName: [String: Entry] = [:]
        for (index, row) in csv.rows.enumerated() {
            let line = index + 2
            guard row.count == header.count else {
                throw MetadataError(description: "\(path):\(line): \(row.count) fields, but the header has \(header.count)")
            }
            let file = row[fileColumn].trimmingCharacters(in: .whitespaces)
            guard !file.isEmpty else { throw MetadataError(description: "\(path):\(line): field 'file' is empty") }
            guard byPath[file] == nil else { throw MetadataError(description: "\(path):\(line): '\(file)' is listed twice") }
            var others: [String: String] = [:]
            for (column, name) in header.enumerated() where column != fileColumn && column != speakerColumn {
                others[name] = row[column]
            }
            let data = try JSONSerialization.data(withJSONObject: others, options: [.sortedKeys, .withoutEscapingSlashes])
            let speaker = speakerColumn.map { row[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            let entry = Entry(speaker: speaker, json: String(decoding: data, as: UTF8.self))
            byPath[file] = entry
            byName[(file as NSString).lastPathComponent] = entry
        }
        self.byPath = byPath
        self.byName = byName
    }

    /// The entry for a recording given as `path`: by the path itself, else by its file name.
    public func entry(for path: String) -> Entry? {
        byPath[path] ?? byName[(path as NSString).lastPathComponent]
    }
}

/// A metadata file that cannot be used, as one line.
public struct MetadataError: Error, CustomStringConvertible {
    public let description: String
}
