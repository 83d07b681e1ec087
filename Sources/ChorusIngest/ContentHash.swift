import ChorusAudio
import ChorusSupport
import CLibCrypto
import Foundation

/// A recording's identity: the SHA-256 of its file's bytes.
public enum ContentHash {
    /// The SHA-256 of the file at `path` as lower-case hex, read in 1 MiB pieces
    /// (OpenSSL's `EVP_DigestInit_ex`, `EVP_DigestUpdate`, `EVP_DigestFinal_ex`).
    /// - Throws: ``ChorusAudio/AudioError`` `.notFound` or `.unreadable`, naming the file.
    public static func sha256(path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let missing = errno == ENOENT
            throw AudioError(code: missing ? .notFound : .unreadable, path: path, message: missing ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard let context = EVP_MD_CTX_new() else { throw AudioError(code: .unreadable, path: path, message: "cannot hash: out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw AudioError(code: .unreadable, path: path, message: "cannot hash: OpenSSL has no SHA-256")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AudioError(code: .unreadable, path: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            guard buffer.withUnsafeBytes({ EVP_DigestUpdate(context, $0.baseAddress, n) }) == 1 else {
                throw AudioError(code: .unreadable, path: path, message: "cannot hash")
            }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw AudioError(code: .unreadable, path: path, message: "cannot hash")
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

extension ContentHash {
    /// The SHA-256 of a text's UTF-8 bytes as lower-case hex.
    public static func sha256(text: String) -> String { Digest.sha256(text: text) }
}
