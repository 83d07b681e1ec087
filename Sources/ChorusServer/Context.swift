import ChorusStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Each request's context: who it acts as, once the token is checked, and where it came from.
struct ChorusContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's address (nil on a Unix socket).
    let peer: String?
    /// The person the request's token belongs to.
    var person: Annotator?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies are small JSON: a text, a reason.
    var maxUploadSize: Int { 64 * 1024 }
}

extension ChorusContext {
    /// The client's address: the peer's, or, when the peer is a proxy on this machine (nginx
    /// on loopback or a Unix socket), the address it says it forwarded for.
    func remote(_ request: Request) -> String? {
        let local = peer == nil || peer == "::1" || peer?.hasPrefix("127.") == true
        if local, let forwarded = request.headers[.init("X-Forwarded-For")!] ?? request.headers[.init("X-Real-IP")!] {
            let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !last.isEmpty && last.count <= 64 { return last }
        }
        return peer ?? "local"
    }
}

/// A token bucket per key (a token's hash, or an address for logins): `rate` a second on
/// average, `burst` at once. Per server instance.
final class RateLimiter: Sendable {
    private struct Bucket { var level: Double; var at: Double }
    private let rate: Double, burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes one request's worth; nil when allowed, else the seconds until one is.
    func take(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        buckets.withLock { all in
            if all.count > 100_000 { all = all.filter { now - $0.value.at < 600 } }
            var b = all[key] ?? Bucket(level: burst, at: now)
            b.level = min(burst, b.level + (now - b.at) * rate)
            b.at = now
            defer { all[key] = b }
            if b.level >= 1 {
                b.level -= 1
                return nil
            }
            return (1 - b.level) / rate
        }
    }
}
