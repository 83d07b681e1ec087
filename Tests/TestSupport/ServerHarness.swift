import Foundation

/// A program left running in the background (a server, nginx), its output in files; killed
/// when dropped. Started with posix_spawn, as ``Spawn`` explains.
public final class Daemon: @unchecked Sendable {
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private var status: Int32?

    public init(_ argv: [String], logs folder: String, name: String, environment: [String: String] = [:]) throws {
        stdoutPath = folder + "/\(name).out"
        stderrPath = folder + "/\(name).err"
        pid = try Spawn.start(argv, output: stdoutPath, errors: stderrPath, environment: environment)
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var s: Int32 = 0
            while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
        }
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits up to `seconds` for it to end; its wait status, or nil if it is still running.
    @discardableResult
    public func wait(seconds: Double) -> Int32? {
        if let status { return status }
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var s: Int32 = 0
            if waitpid(pid, &s, WNOHANG) == pid {
                status = s
                return s
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until `predicate` holds of the output (stdout + stderr).
    public func waitFor(_ what: String, seconds: Double = 20, _ predicate: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if predicate(stdout + stderr) { return }
            if wait(seconds: 0) != nil { throw TestSetupError("\(what): it ended first; stderr: \(stderr.suffix(2000))") }
            usleep(20_000)
        }
        throw TestSetupError("\(what): not within \(seconds) s; stderr: \(stderr.suffix(2000))")
    }
}

/// A certificate authority and a server certificate for localhost and 127.0.0.1, made with
/// openssl for one test.
public struct TestTLS: Sendable {
    public let ca: String
    public let certificate: String
    public let key: String

    public init(in folder: String) throws {
        ca = folder + "/ca.pem"
        certificate = folder + "/server.pem"
        key = folder + "/server.key"
        let caKey = folder + "/ca.key", csr = folder + "/server.csr", ext = folder + "/san.ext"
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        for argv in [
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=Chorus test CA"],
            ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
            ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", certificate, "-days", "2", "-extfile", ext],
        ] {
            guard try Spawn.run(argv) == 0 else { throw TestSetupError("openssl failed: \(argv.joined(separator: " "))") }
        }
    }
}

/// A free TCP port on loopback (bound and released; good enough for a test).
public func freePort() throws -> Int { try freePorts(1)[0] }

/// `count` different free TCP ports on loopback: all are held until all are found, since a
/// port released can be handed out again at once (two calls to ``freePort()`` in a row may
/// return the same one).
public func freePorts(_ count: Int) throws -> [Int] {
    var sockets: [Int32] = []
    defer { sockets.forEach { close($0) } }
    return try (0..<count).map { _ in
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        sockets.append(fd)
        return try boundPort(fd)
    }
}

/// Binds `fd` to a port on loopback that the system picks, and returns it.
func boundPort(_ fd: Int32) throws -> Int {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0 else { throw TestSetupError("cannot bind a port") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `chorus serve` on a project, on a port of its own.
public final class ServeProcess: @unchecked Sendable {
    public let daemon: Daemon
    /// `http://127.0.0.1:PORT`.
    public let url: String
    public let port: Int

    /// - Parameter port: the port to listen on (a server started again where it was), else a free one.
    public init(project: String, logs: String, name: String = "serve", arguments: [String] = [], port given: Int? = nil) throws {
        let port = try given ?? freePort()
        daemon = try Daemon([ChorusProcess.binary, "serve", "--project", project, "--listen", "127.0.0.1:\(port)"] + arguments, logs: logs, name: name)
        try daemon.waitFor("chorus serve listening") { $0.contains("listening on ") }
        self.port = port
        url = "http://127.0.0.1:\(port)"
    }
}

/// nginx terminating TLS in front of one or more `chorus serve` instances, as docs/team.md
/// configures it, with short client timeouts for tests.
public final class NginxProcess: @unchecked Sendable {
    public let daemon: Daemon
    public let url: String
    public let tls: TestTLS
    /// A plain-HTTP listener on loopback too, for load clients (TLS is the other port's).
    public let plainPort: Int

    public init(folder: String, upstreams: [Int], tls: TestTLS, clientTimeout: Int = 3) throws {
        let ports = try freePorts(2)
        let port = ports[0]
        plainPort = ports[1]
        self.tls = tls
        let servers = upstreams.map { "    server 127.0.0.1:\($0) max_fails=1 fail_timeout=2s;" }.joined(separator: "\n")
        let config = """
            worker_processes 1;
            worker_rlimit_nofile 8192;
            pid \(folder)/nginx.pid;
            error_log \(folder)/nginx-error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path \(folder)/body;
              proxy_temp_path \(folder)/proxy;
              fastcgi_temp_path \(folder)/fastcgi;
              uwsgi_temp_path \(folder)/uwsgi;
              scgi_temp_path \(folder)/scgi;
            \(Self.chorusSettings(clientTimeout: clientTimeout))
              upstream chorus {
            \(servers)
                keepalive 32;
              }
              server {
                listen 127.0.0.1:\(port) ssl;
                listen 127.0.0.1:\(plainPort);
                ssl_certificate \(tls.certificate);
                ssl_certificate_key \(tls.key);
                location / {
                  proxy_pass http://chorus;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header X-Forwarded-For $remote_addr;
                  proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                  proxy_connect_timeout 2s;
                }
              }
            }
            """
        let path = folder + "/nginx.conf"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        daemon = try Daemon(["nginx", "-e", folder + "/nginx-error.log", "-p", folder, "-c", path, "-g", "daemon off; master_process off;"], logs: folder, name: "nginx")
        url = "https://localhost:\(port)"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? HTTP.request("GET", url + "/v1/health", ca: tls.ca).status) == 200 { return }
            if daemon.wait(seconds: 0) != nil { throw TestSetupError("nginx ended: \((try? String(contentsOfFile: folder + "/nginx-error.log", encoding: .utf8)) ?? "")") }
            usleep(50_000)
        }
        throw TestSetupError("nginx did not answer within 10 s")
    }

    /// The limits docs/team.md sets on clients: a header and a body must arrive in time, and be small.
    public static func chorusSettings(clientTimeout: Int) -> String {
        """
          client_header_timeout \(clientTimeout)s;
          client_body_timeout \(clientTimeout)s;
          send_timeout 30s;
          keepalive_timeout 30s;
          client_max_body_size 64k;
          large_client_header_buffers 4 8k;
        """
    }
}

/// HTTP calls through curl: a real client, over real TLS when given a CA.
public enum HTTP {
    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
        public var headers: String
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func json() -> [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public var errorCode: String? { (json()["error"] as? [String: Any])?["code"] as? String }
    }

    public static func request(_ method: String, _ url: String, token: String? = nil, json: Any? = nil, raw: Data? = nil, ca: String? = nil,
                               headers: [String] = [], timeout: Double = 30) throws -> Answer {
        let folder = try Fixtures.scratch("http")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var argv = ["curl", "-sS", "--max-time", String(timeout), "-X", method, "-o", folder + "/body", "-D", folder + "/headers", "-w", "%{http_code}"]
        if let ca { argv += ["--cacert", ca] }
        if let token { argv += ["-H", "Authorization: Bearer \(token)"] }
        for h in headers { argv += ["-H", h] }
        if let json {
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: folder + "/in"))
            argv += ["-H", "Content-Type: application/json", "--data-binary", "@" + folder + "/in"]
        } else if let raw {
            try raw.write(to: URL(fileURLWithPath: folder + "/in"))
            argv += ["-H", "Content-Type: application/json", "--data-binary", "@" + folder + "/in"]
        }
        argv.append(url)
        let status = try Spawn.run(argv, output: folder + "/code")
        let code = Int((try? String(contentsOfFile: folder + "/code", encoding: .utf8)) ?? "") ?? 0
        guard status == 0 || code > 0 else { throw TestSetupError("curl \(method) \(url) failed (wait status \(status))") }
        return Answer(status: code, body: (try? Data(contentsOf: URL(fileURLWithPath: folder + "/body"))) ?? Data(),
                      headers: (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? "")
    }
}
