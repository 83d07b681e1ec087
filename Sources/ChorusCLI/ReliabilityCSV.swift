import ChorusMetrics
import Foundation

/// Reliability data in RFC 4180 CSV: no header row, one row per coder, one column per unit,
/// an empty cell for a missing value. Numbers when every filled cell is a number, categories
/// otherwise.
enum ReliabilityCSV {
    /// - Throws: ``CLIError`` naming the file and line for unreadable, non-UTF-8, empty or
    ///   ragged input and unbalanced quotes.
    static func read(_ path: String) throws -> [[CodedValue?]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the file") }
        guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
            let line = data.prefix { _ in true }.split(separator: 0x0A, omittingEmptySubsequences: false)
                .firstIndex { String(validating: Array($0), as: UTF8.self) == nil }.map { $0 + 1 } ?? 1
            throw CLIError("\(path):\(line): not valid UTF-8")
        }
        let rows = try records(text, path: path)
        guard !rows.isEmpty else { throw CLIError("\(path): the file has no rows") }
        let width = rows[0].cells.count
        if let ragged = rows.first(where: { $0.cells.count != width }) {
            throw CLIError("\(path):\(ragged.line): \(ragged.cells.count) cells, but the first row has \(width); every coder's row needs one cell per unit")
        }
        let filled = rows.flatMap { $0.cells }.filter { !$0.isEmpty }
        let numeric = !filled.isEmpty && filled.allSatisfy { Double($0.trimmingCharacters(in: .whitespaces)) != nil }
        return rows.map { row in
            row.cells.map { cell -> CodedValue? in
                if cell.isEmpty { return nil }
                if numeric, let d = Double(cell.trimmingCharacters(in: .whitespaces)) { return .number(d) }
                return .category(cell)
            }
        }
    }

    /// RFC 4180 records: fields split on commas, double-quoted fields with "" for a quote,
    /// records ending in CRLF or LF; a final line break does not start another record.
    static func records(_ text: String, path: String) throws -> [(line: Int, cells: [String])] {
        var out: [(Int, [String])] = []
        var cells: [String] = [], field = "", quoted = false, atFieldStart = true
        var line = 1, recordLine = 1
        var scalars = Array(text.unicodeScalars)[...]
        func endField() { cells.append(field); field = ""; atFieldStart = true }
        func endRecord() { endField(); out.append((recordLine, cells)); cells = [] }
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && atFieldStart {
                quoted = true
                atFieldStart = false
            } else if c == "," {
                endField()
            } else if c == "\n" || (c == "\r" && scalars.first == "\n") {
                if c == "\r" { scalars.removeFirst() }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if quoted { throw CLIError("\(path):\(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !cells.isEmpty { endRecord() }
        return out
    }
}
