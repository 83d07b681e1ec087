import ChorusAudio
import Crypto
import Foundation

/// A recording's identity: the SHA-256 of its file's bytes.
public enum ContentHash {
    /// The SHA-256 of the file at `path` as lower-case hex, read in 1 MiB pieces.
    /// - Throws: ``ChorusAudio/AudioError`` `.notFound` or `.unreadable`, naming the file.
    public static func sha256(path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let missing = errno == ENOENT
            throw AudioError(code: missing ? .notFound : .unreadable, path: path, message: missing ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AudioError(code: .unreadable, path: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
