import Foundation

/// A small blocking HTTP/1.1 client over one keep-alive TCP connection: what simulated
/// annotators use in the scale-out test and the server benchmark, a thread each, so hundreds of
/// them cost no more than their sockets. Plain HTTP to a loopback port (nginx's or a server's).
public final class MiniHTTP: @unchecked Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func json() -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    public init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    /// One request; reconnects when the connection was closed. Throws on a transport failure
    /// (the caller decides whether to retry).
    public func request(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil, timeout: Int = 30) throws -> Answer {
        if fd < 0 { try connect(timeout: timeout) }
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(payload.count)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: payload)
        do {
            try write(bytes)
            return try readAnswer()
        } catch {
            close(fd)
            fd = -1
            buffer = []
            throw error
        }
    }

    private func connect(timeout: Int) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else {
            close(s)
            throw Failure(description: "cannot connect to port \(port)")
        }
        var t = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &t, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = s
        buffer = []
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "connection closed while sending") }
            sent += n
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { throw Failure(description: n == 0 ? "connection closed" : "receive failed or timed out") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[0..<i], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                buffer.removeFirst(i + 1)
                return line
            }
            try fill()
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let out = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return out
    }

    private func readAnswer() throws -> Answer {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "not HTTP: \(statusLine)") }
        var length: Int?
        var chunked = false, closes = false
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") { length = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
            if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
            if lower.hasPrefix("connection:") && lower.contains("close") { closes = true }
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                let size = Int(try readLine().split(separator: ";").first.map(String.init) ?? "", radix: 16) ?? 0
                if size == 0 { _ = try readLine(); break }
                body += try read(size)
                _ = try readLine()
            }
        } else if let length {
            body = try read(length)
        }
        if closes {
            close(fd)
            fd = -1
            buffer = []
        }
        return Answer(status: status, body: body)
    }
}
