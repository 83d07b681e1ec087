import Foundation

/// A TCP proxy on loopback that delays every byte by a fixed time each way (a slow link:
/// `tc netem` is not available in these machines' kernels), and can stall or drop its
/// connections. Counts the bytes it carries each way.
public final class DelayProxy: @unchecked Sendable {
    public let port: Int
    let target: Int
    let delay: Double
    private let listener: Int32
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var stalled = false
    private var refusing = false
    private var closed = false
    private var up = 0, down = 0

    /// - Parameter delay: seconds added each way (150 ms each way is a 300 ms round trip).
    public init(to target: Int, delay: Double) throws {
        self.target = target
        self.delay = delay
        // Bound to a port the system picks, not one found free and bound after: another test's
        // server could take it in between.
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = try boundPort(listener)
        guard listen(listener, 64) == 0 else { throw TestSetupError("the proxy cannot listen on \(port)") }
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { close() }

    /// Bytes carried toward the server and back.
    public var bytes: (sent: Int, received: Int) { lock.withLock { (up, down) } }

    /// Stops passing bytes (connections stay open: a stalled link).
    public func stall(_ on: Bool) { lock.withLock { stalled = on } }

    /// Refuses the link: open connections are closed and new ones closed at once (the server
    /// unreachable, without waiting for a timeout).
    public func refuse(_ on: Bool) {
        lock.withLock { refusing = on }
        if on { dropConnections() }
    }

    /// Closes every connection (a dropped link); new ones are still accepted.
    public func dropConnections() {
        let all = lock.withLock { defer { connections = [] }; return connections }
        for fd in all { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    public func close() {
        let was = lock.withLock { defer { closed = true }; return closed }
        guard !was else { return }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        dropConnections()
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if lock.withLock({ closed }) { return } else { continue } }
            if lock.withLock({ refusing }) {
                Glibc.close(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(target)
            let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if ok != 0 {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            lock.withLock { connections += [client, server] }
            pipe(from: client, to: server, upward: true)
            pipe(from: server, to: client, upward: false)
        }
    }

    /// Forwards one direction: a reader queues each chunk with its due time, a writer sends it
    /// when due, in order.
    private func pipe(from source: Int32, to sink: Int32, upward: Bool) {
        let queue = DelayQueue()
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = recv(source, &buffer, buffer.count, 0)
                if n <= 0 { queue.put(nil, due: 0); return }
                queue.put(Array(buffer[0..<n]), due: ProcessInfo.processInfo.systemUptime + delay)
                lock.withLock { if upward { up += n } else { down += n } }
            }
        }
        Thread.detachNewThread { [self] in
            while true {
                guard let (chunk, due) = queue.take() else { break }
                let wait = due - ProcessInfo.processInfo.systemUptime
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                while lock.withLock({ stalled && !closed }) { Thread.sleep(forTimeInterval: 0.05) }
                var sent = 0
                while sent < chunk.count {
                    let n = chunk[sent...].withUnsafeBytes { send(sink, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { break }
                    sent += n
                }
                if sent < chunk.count { break }
            }
            Glibc.shutdown(sink, Int32(SHUT_WR))
        }
    }

    private final class DelayQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [([UInt8]?, Double)] = []

        func put(_ chunk: [UInt8]?, due: Double) {
            condition.lock()
            items.append((chunk, due))
            condition.signal()
            condition.unlock()
        }

        /// The next chunk and when it is due; nil at the end of the stream.
        func take() -> ([UInt8], Double)? {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            let (chunk, due) = items.removeFirst()
            return chunk.map { ($0, due) }
        }
    }
}
