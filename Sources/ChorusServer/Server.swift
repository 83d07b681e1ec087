import ChorusAPI
import ChorusStore
import ChorusSupport
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus

/// How `chorus serve` listens and what it allows.
public struct ServerOptions: Sendable {
    public enum Listen: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var listen: Listen = .tcp(host: "127.0.0.1", port: 8080)
    /// Serve plain HTTP on an address other machines reach.
    public var insecureHTTP = false
    /// Browser origins allowed to call the API (CORS); none by default.
    public var corsOrigins: [String] = []
    /// PostgreSQL connections (transactions at once) and threads for store work.
    public var connections = 8
    /// Requests a second each token may make on average, and in a burst.
    public var requestsPerSecond = 20.0
    public var burst = 100.0
    /// Seconds a client may take to send a request body.
    public var bodySeconds = 10.0
    /// Seconds a connection may stay idle.
    public var idleSeconds = 60.0

    public init() {}

    /// `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (loopback) or `unix:PATH`.
    /// - Throws: ``ServerError`` naming the value.
    public static func listen(_ text: String) throws -> Listen {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw ServerError("--listen \(text): a Unix socket needs a path (unix:/run/chorus.sock)") }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ServerError("--listen \(text): give HOST:PORT, such as 127.0.0.1:8080, or unix:PATH")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    /// Whether only this machine can reach the address.
    public var isLocal: Bool {
        switch listen {
        case .unix: true
        case .tcp(let host, _): host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}

/// Why the server would not start.
public struct ServerError: ChorusError {
    public var message: String
    public var errorCode: String { "serve" }
    public var location: String? { nil }
    public var underlying: (any Error & Sendable)? { nil }
    public init(_ message: String) { self.message = message }
}

/// `chorus serve`: the work API over HTTP, acting for one person per request.
public enum WorkServer {
    /// Serves until SIGTERM or SIGINT; in-flight requests finish first.
    /// - Parameters:
    ///   - ready: called with the address once the server listens (the port when 0 was asked).
    /// - Throws: ``ServerError`` for an address it must not or cannot listen on.
    public static func run(project: Project, options: ServerOptions, logger: Logger, ready: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        if !options.isLocal && !options.insecureHTTP {
            throw ServerError(
                "--listen: refusing plain HTTP on an address other machines reach: tokens and texts would cross the network unencrypted. "
                    + "Listen on 127.0.0.1 (or unix:PATH) behind nginx with TLS (docs/team.md), or pass --insecure-http if a TLS proxy reaches this one over a private network")
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let pool = NIOThreadPool(numberOfThreads: options.connections)
        pool.start()
        let api = WorkAPI(project: project, options: options, pool: pool, logger: logger)
        let router = api.router(registry: registry)
        let address: BindAddress
        switch options.listen {
        case .tcp(let host, let port): address = .hostname(host, port: port)
        case .unix(let path):
            if FileManager.default.fileExists(atPath: path) {
                // A socket left by an earlier run; anything else at the path is not ours to remove.
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
                    throw ServerError("--listen unix:\(path): something other than a socket is there")
                }
                unlink(path)
            }
            address = .unixDomainSocket(path: path)
        }
        let app = Application(
            router: router,
            server: .http1(configuration: .init(
                idleTimeout: .seconds(Int64(options.idleSeconds)),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 64))),
            configuration: .init(address: address, serverName: "chorus"),
            onServerRunning: { channel in
                let shown: String
                switch options.listen {
                case .unix(let path): shown = "unix:" + path
                case .tcp(let host, _): shown = host.contains(":") ? "[\(host)]:\(channel.localAddress?.port ?? 0)" : "\(host):\(channel.localAddress?.port ?? 0)"
                }
                ready(shown)
            },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
    }
}
