import Foundation

/// Writes a POSIX tar archive (ustar, with a pax header for names over 100 bytes) to a file,
/// one member at a time: memory holds one member, however long the archive. Members carry
/// mode 0644, owner 0 and time 0, so the same corpus gives the same bytes.
final class TarWriter {
    private let handle: FileHandle
    /// Bytes written so far, end blocks excluded.
    private(set) var size = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ExportError(.write, at: path, "cannot create")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func add(_ name: String, _ data: Data) throws {
        let bytes = Array(name.utf8)
        if bytes.count > 100 {
            // pax: a record "LEN path=NAME\n", LEN counting itself.
            let body = " path=\(name)\n"
            var length = body.utf8.count + 1
            while String(length).count + body.utf8.count != length { length = String(length).count + body.utf8.count }
            let record = Data((String(length) + body).utf8)
            try block(header(name: "PaxHeader/" + String(decoding: bytes.prefix(80), as: UTF8.self), size: record.count, type: "x"))
            try write(record)
        }
        try block(header(name: String(decoding: bytes.prefix(100), as: UTF8.self), size: data.count, type: "0"))
        try write(data)
    }

    /// Ends the archive (two zero blocks) and closes the file.
    func finish() throws {
        try handle.write(contentsOf: Data(count: 1024))
        try handle.close()
    }

    private func write(_ data: Data) throws {
        try handle.write(contentsOf: data)
        size += data.count
        let pad = (512 - data.count % 512) % 512
        if pad > 0 {
            try handle.write(contentsOf: Data(count: pad))
            size += pad
        }
    }

    private func block(_ header: [UInt8]) throws { try write(Data(header)) }

    private func header(name: String, size: Int, type: Character) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, at offset: Int, width: Int) {
            for (i, b) in s.utf8.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        put("        ", at: 148, width: 8)
        h[156] = type.asciiValue ?? 0x30
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let sum = h.reduce(0) { $0 + Int($1) }
        octal(sum, at: 148, width: 7)
        h[155] = 0x20
        return h
    }
}
