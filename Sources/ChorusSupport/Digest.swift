import CLibCrypto
import Foundation

/// SHA-256 of bytes in memory, and secrets made from the system's random source.
public enum Digest {
    /// The SHA-256 of a text's UTF-8 bytes as lower-case hex (OpenSSL's `EVP_Digest`).
    public static func sha256(text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        return digest.map { hex($0) }.joined()
    }

    /// `bytes` random bytes from the system's cryptographic source (getrandom on Linux), as
    /// base64url without padding: URL- and header-safe.
    public static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64url(raw)
    }

    /// A code a person can read out and type: `groups` groups of four from Crockford's base 32
    /// (no I, L, O or U), 20 bits a group.
    public static func randomCode(groups: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in String((0..<4).map { _ in alphabet[Int.random(in: 0..<32, using: &generator)] }) }.joined(separator: "-")
    }

    /// A typed code as it was made: upper case, the letters people confuse read as the digits
    /// they look like, spaces and dashes dropped and the dashes put back.
    public static func normaliseCode(_ typed: String) -> String {
        let map: [Character: Character] = ["I": "1", "L": "1", "O": "0"]
        let chars = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" }.map { map[$0] ?? $0 }
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: "-")
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    private static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
