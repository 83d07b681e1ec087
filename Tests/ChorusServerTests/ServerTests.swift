import ChorusAudio
import Foundation
import Testing
import TestSupport

/// `chorus serve` end to end: the real binary, real HTTPS through nginx with a CA made here,
/// the real store on both engines, curl as the client.
@Suite(.serialized) struct ServerTests {
    @Test(arguments: Engine.testable) func aPersonWorksThroughTheServerOverHTTPS(engine: Engine) throws {
        let team = try TeamProject(engine)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let nginx = try NginxProcess(folder: team.logs, upstreams: [server.port], tls: try TestTLS(in: team.logs))
        let url = nginx.url, ca = nginx.tls.ca

        // Real TLS: a client that does not trust the test CA is refused.
        #expect(throws: (any Error).self) { _ = try HTTP.request("GET", url + "/v1/health") }

        let token = try team.token("amina", url: url, ca: ca)
        let settings = try HTTP.request("GET", url + "/v1/settings", token: token, ca: ca)
        #expect(settings.status == 200 && settings.json()["source_language"] as? String == "sw")
        #expect(!settings.text.contains("database") && !settings.text.contains("chorus.sqlite"), "the store's address never leaves the server")

        let claimed = try HTTP.request("POST", url + "/v1/tasks/claim", token: token, ca: ca)
        let task = try #require(claimed.json()["task"] as? [String: Any])
        let id = try #require(task["task_id"] as? Int)
        #expect(!claimed.text.contains("sw-soko") && !claimed.text.contains("/Corpora/"), "no server path in a task: \(claimed.text)")

        // The clip is the segment, as FLAC a libsndfile reader decodes.
        let clip = try HTTP.request("GET", url + "/v1/tasks/\(id)/clip", token: token, ca: ca)
        #expect(clip.status == 200 && clip.headers.lowercased().contains("content-type: audio/flac"))
        let clipFile = team.logs + "/clip.flac"
        try clip.body.write(to: URL(fileURLWithPath: clipFile))
        let decoded = try Fixtures.readAll(clipFile)
        let expected = ((task["end"] as? Double ?? 0) - (task["start"] as? Double ?? 0)) * 16_000
        #expect(decoded.info.channels == 1 && abs(Double(decoded.samples.count) - expected) <= 2)
        // With context: a quarter second more on each side (less at the recording's start).
        let padded = try HTTP.request("GET", url + "/v1/tasks/\(id)/clip?context=0.25", token: token, ca: ca)
        try padded.body.write(to: URL(fileURLWithPath: clipFile))
        let before = min(0.25, task["start"] as? Double ?? 0)
        #expect(abs(Double(try Fixtures.readAll(clipFile).samples.count) - (expected + (before + 0.25) * 16_000)) <= 2)
        #expect(try HTTP.request("GET", url + "/v1/tasks/\(id)/clip?context=6", token: token, ca: ca).status == 400)

        #expect(try HTTP.request("PUT", url + "/v1/tasks/\(id)/draft", token: token, json: ["text": "habari ya", "active_seconds": 2], ca: ca).status == 204)
        let held = try HTTP.request("GET", url + "/v1/tasks/held", token: token, ca: ca).json()["task"] as? [String: Any]
        #expect(held?["draft"] as? String == "habari ya")

        // A submission retried (a dropped answer) is answered with the first result, stored once.
        let body: [String: Any] = ["text": "Habari ya asubuhi", "active_seconds": 4, "submission_id": "amina-\(id)-1"]
        let first = try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: token, json: body, ca: ca)
        let again = try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: token, json: body, ca: ca)
        #expect(first.status == 200 && again.status == 200)
        #expect(first.json()["annotation_id"] as? Int == again.json()["annotation_id"] as? Int)
        #expect(try team.count("SELECT COUNT(*) AS n FROM annotations") == 1)

        let me = try HTTP.request("GET", url + "/v1/me", token: token, ca: ca).json()
        #expect((me["progress"] as? [String: Any])?["done"] as? Int == 1)
        #expect(me["annotator"] as? String == "amina")

        // The audit log has who did what from where; the server's log has no token and no text.
        let audit = try team.chorus(["annotators", "audit", "--json"]).stdout
        #expect(audit.contains("\"action\":\"login\"") && audit.contains("\"action\":\"claim\"") && audit.contains("\"action\":\"submit\""))
        #expect(audit.contains("\"remote\":\"127.0.0.1\""))
        let log = server.daemon.stderr
        #expect(log.contains("\"route\":\"/v1/tasks/{task}/submit\""), "one JSON line a request")
        for secret in [token, "Habari ya asubuhi", "habari ya"] { #expect(!log.contains(secret) && !audit.contains(secret)) }
    }

    @Test func laterTranscribersAndReviewersSeeOnlyWhatTheirTaskNeeds() throws {
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = server.url
        let amina = try team.token("amina", url: url), baraka = try team.token("baraka", url: url), chausiku = try team.token("chausiku", url: url)

        let a = try #require(try HTTP.request("POST", url + "/v1/tasks/claim", token: amina, json: ["kind": "transcribe"]).json()["task"] as? [String: Any])
        let aID = try #require(a["task_id"] as? Int)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(aID)/submit", token: amina, json: ["text": "sokoni leo", "active_seconds": 3]).status == 200)
        // Blind redundancy: the second transcriber of the same segment sees nothing of the first.
        let b = try HTTP.request("POST", url + "/v1/tasks/claim", token: baraka, json: ["kind": "transcribe"])
        let bTask = try #require(b.json()["task"] as? [String: Any])
        #expect(bTask["segment_id"] as? Int == a["segment_id"] as? Int)
        #expect(!b.text.contains("sokoni leo") && (bTask["source_texts"] as? [Any])?.isEmpty == true)
        let bID = try #require(bTask["task_id"] as? Int)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(bID)/submit", token: baraka, json: ["text": "sokoni jana kulikuwa na watu", "active_seconds": 3]).status == 200)

        // The reviewer sees both versions, unnamed.
        let r = try HTTP.request("POST", url + "/v1/tasks/claim", token: chausiku, json: ["kind": "review"])
        let review = try #require(r.json()["task"] as? [String: Any])
        #expect(Set(review["source_texts"] as? [String] ?? []) == ["sokoni leo", "sokoni jana kulikuwa na watu"])
        #expect(!r.text.contains("amina") && !r.text.contains("baraka"))
        let rID = try #require(review["task_id"] as? Int)
        let versions = review["source_annotation_ids"] as? [Int] ?? []
        #expect(versions.count == 2)
        // Only a version of the review task held: not any annotation id.
        let stray = try HTTP.request("POST", url + "/v1/tasks/\(rID)/reject", token: chausiku, json: ["annotation_id": 999, "reason": "x"])
        #expect(stray.status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(aID)/reject", token: chausiku, json: ["annotation_id": versions[0], "reason": "x"]).status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(rID)/reject", token: chausiku, json: ["annotation_id": versions[0], "reason": "the words differ from the audio"]).status == 204)

        // The author reads the rejection without the reviewer's name, and appeals once.
        let author = versions[0] == 1 ? amina : baraka
        let rejections = try HTTP.request("GET", url + "/v1/rejections", token: author)
        #expect(rejections.text.contains("the words differ from the audio") && !rejections.text.contains("chausiku"))
        #expect(try HTTP.request("POST", url + "/v1/rejections/\(versions[0])/appeal", token: author, json: ["comment": "listen again at 2 s"]).status == 204)
        #expect(try HTTP.request("POST", url + "/v1/rejections/\(versions[0])/appeal", token: author, json: ["comment": "again"]).status == 422)
        let other = author == amina ? baraka : amina
        #expect(try HTTP.request("POST", url + "/v1/rejections/\(versions[0])/appeal", token: other, json: ["comment": "mine?"]).status != 204)
    }

    @Test func theServerRefusesWhatAPersonMayNotDo() throws {
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = server.url

        // No token, a wrong one, a huge one.
        let none = try HTTP.request("GET", url + "/v1/me")
        #expect(none.status == 401 && none.errorCode == "unauthorized" && none.headers.contains("WWW-Authenticate: Bearer"))
        #expect(try HTTP.request("GET", url + "/v1/me", token: "chorus_wrong").status == 401)
        #expect(try HTTP.request("GET", url + "/v1/me", token: String(repeating: "x", count: 5000)).status == 401)

        // An invite works once, and not after it expires.
        let code = try team.invite("amina")
        #expect(try HTTP.request("POST", url + "/v1/login", json: ["code": code.lowercased().replacingOccurrences(of: "-", with: " ")]).status == 200,
                "a code typed in lower case with spaces")
        #expect(try HTTP.request("POST", url + "/v1/login", json: ["code": code]).status == 401, "used already")
        let soon = try team.invite("baraka", hours: 0.0003)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try HTTP.request("POST", url + "/v1/login", json: ["code": soon]).status == 401, "expired")

        let amina = try team.token("amina", url: url), baraka = try team.token("baraka", url: url)
        let task = try #require(try HTTP.request("POST", url + "/v1/tasks/claim", token: amina).json()["task"] as? [String: Any])
        let id = try #require(task["task_id"] as? Int)

        // Another person's task: clip, draft, submit, release, renew.
        #expect(try HTTP.request("GET", url + "/v1/tasks/\(id)/clip", token: baraka).status == 403)
        #expect(try HTTP.request("PUT", url + "/v1/tasks/\(id)/draft", token: baraka, json: ["text": "x"]).status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: baraka, json: ["text": "x"]).status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/release", token: baraka).status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/renew", token: baraka).status == 403)
        // A task nobody holds, and one that does not exist, look the same.
        let unknown = try HTTP.request("GET", url + "/v1/tasks/\(id + 1)/clip", token: baraka), missing = try HTTP.request("GET", url + "/v1/tasks/99999/clip", token: baraka)
        #expect(unknown.status == 403 && missing.status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/99999/submit", token: baraka, json: ["text": "x"]).status == 403)
        #expect(try HTTP.request("POST", url + "/v1/tasks/99999/skip", token: baraka, json: ["reason": "other"]).status == 403)

        // Ids and paths that are not ids.
        for path in ["/v1/tasks/0/clip", "/v1/tasks/-1/clip", "/v1/tasks/99999999999999999999999999/clip", "/v1/tasks/abc/clip", "/v1/tasks/%2e%2e%2f%2e%2e%2fetc%2fpasswd/clip"] {
            #expect(try HTTP.request("GET", url + path, token: amina).status == 400, "\(path)")
        }
        #expect(try HTTP.request("GET", url + "/v1/tasks/../../../../etc/passwd", token: amina).status == 404)

        // Bodies: too large, not JSON, the wrong shape, an active time no lease covered.
        let huge = Data(("{\"text\":\"" + String(repeating: "a", count: 100_000) + "\"}").utf8)
        let tooLarge = try HTTP.request("PUT", url + "/v1/tasks/\(id)/draft", token: amina, raw: huge)
        #expect(tooLarge.status == 413 && tooLarge.errorCode == "too-large")
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: amina, raw: Data("{\"text\":".utf8)).status == 400)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: amina, json: ["text": 5]).status == 400)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/skip", token: amina, json: ["reason": "bored"]).status == 400)
        let padded = try HTTP.request("POST", url + "/v1/tasks/\(id)/submit", token: amina, json: ["text": "x", "active_seconds": 36_000])
        #expect(padded.status == 422, "pay depends on active time: \(padded.text)")

        // A clip needs a live lease: released, it is gone.
        #expect(try HTTP.request("GET", url + "/v1/tasks/\(id)/clip", token: amina).status == 200)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/release", token: amina).status == 204)
        #expect(try HTTP.request("GET", url + "/v1/tasks/\(id)/clip", token: amina).status == 403)

        // Revoked: the very next request is refused.
        #expect(try HTTP.request("GET", url + "/v1/me", token: amina).status == 200)
        try team.chorus(["annotators", "revoke", "amina"])
        #expect(try HTTP.request("GET", url + "/v1/me", token: amina).status == 401)
        let sessions = try team.chorus(["annotators", "sessions", "--json"]).stdout
        #expect(sessions.contains("baraka") && !sessions.contains("amina"))
    }

    @Test func eachTokenHasARateLimit() throws {
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs, arguments: ["--rate-limit", "1"])
        let token = try team.token("amina", url: server.url)
        var statuses: [Int] = []
        for _ in 0..<8 { statuses.append(try HTTP.request("GET", server.url + "/v1/me", token: token).status) }
        #expect(statuses.prefix(5).allSatisfy { $0 == 200 }, "a burst of five: \(statuses)")
        let limited = try HTTP.request("GET", server.url + "/v1/me", token: token)
        #expect(limited.status == 429 && limited.headers.contains("Retry-After:"))
        let other = try team.token("baraka", url: server.url)
        #expect(try HTTP.request("GET", server.url + "/v1/me", token: other).status == 200, "per token")
    }

    @Test func slowClientsAreCutOff() throws {
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs, arguments: ["--request-timeout", "2"])
        let token = try team.token("amina", url: server.url)
        // A body sent a byte a second to the server itself: answered 408 at the timeout.
        let started = Date()
        let answer = try trickle(port: server.port, head: "PUT /v1/tasks/1/draft HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: 100\r\n\r\n",
                                 bytes: 30)
        #expect(answer.contains("408"), "answer: \(answer)")
        #expect(Date().timeIntervalSince(started) < 8)
        // nginx in front cuts off a client that trickles its handshake or headers.
        let nginx = try NginxProcess(folder: team.logs, upstreams: [server.port], tls: try TestTLS(in: team.logs), clientTimeout: 2)
        let port = Int(nginx.url.split(separator: ":").last ?? "") ?? 0
        let front = Date()
        _ = try trickle(port: port, head: "", bytes: 30)
        #expect(Date().timeIntervalSince(front) < 8, "nginx closed the connection after its client timeout")
    }

    /// Sends `head`, then one byte a second, until the server closes or answers; what it said.
    func trickle(port: Int, head: String, bytes: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw TestSetupError("cannot connect to \(port)") }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if !head.isEmpty { _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
        var received = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<bytes {
            if send(fd, "a", 1, Int32(MSG_NOSIGNAL)) < 0 { return "closed" }
            let n = recv(fd, &received, received.count, 0)
            if n == 0 { return "closed" }
            if n > 0 { return String(decoding: received[0..<n], as: UTF8.self) }
        }
        return "still open"
    }

    @Test func sigtermStopsGracefullyAndLeasesStay() throws {
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let token = try team.token("amina", url: server.url)
        let task = try #require(try HTTP.request("POST", server.url + "/v1/tasks/claim", token: token).json()["task"] as? [String: Any])
        server.daemon.signal(SIGTERM)
        let status = try #require(server.daemon.wait(seconds: 10), "it stops")
        #expect(status == 0)
        #expect(try team.count("SELECT COUNT(*) AS n FROM tasks WHERE id = \(task["task_id"] as? Int ?? 0) AND state = 'leased'") == 1)
        let again = try ServeProcess(project: team.folder, logs: team.logs, name: "serve-2")
        let held = try HTTP.request("GET", again.url + "/v1/tasks/held", token: token).json()["task"] as? [String: Any]
        #expect(held?["task_id"] as? Int == task["task_id"] as? Int, "the person picks up where they were")
    }

    @Test func plainHTTPOnAnOpenAddressIsRefusedWithTheReason() throws {
        let team = try TeamProject(.sqlite, people: [])
        let run = try ChorusProcess.run(["serve", "--project", team.folder, "--listen", "0.0.0.0:0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("refusing plain HTTP") && run.stderr.contains("--insecure-http"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}

/// The people-in-the-loop features through the server, as locally; and what a browser client
/// and an abusive one meet.
@Suite(.serialized) struct ServerPeopleTests {
    @Test func termsContentWarningsAndOptOutWorkThroughTheServer() throws {
        let team = try TeamProject(.sqlite, people: ["amina", "baraka", "chausiku"])
        try team.chorus(["annotators", "set", "chausiku", "--avoid-distressing"])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = server.url
        let amina = try team.token("amina", url: url), baraka = try team.token("baraka", url: url), chausiku = try team.token("chausiku", url: url)

        // The pay terms, shown once.
        #expect(try HTTP.request("GET", url + "/v1/me", token: amina).json()["terms_seen_at"] == nil)
        #expect(try HTTP.request("GET", url + "/v1/terms", token: amina).json()["terms"] as? String != nil)
        #expect(try HTTP.request("POST", url + "/v1/terms/seen", token: amina).status == 204)
        #expect(try HTTP.request("GET", url + "/v1/me", token: amina).json()["terms_seen_at"] as? Double != nil)

        // A segment skipped as distressing warns the next person; listening is counted; a person
        // who opted out is never handed it.
        let first = try #require(try HTTP.request("POST", url + "/v1/tasks/claim", token: amina).json()["task"] as? [String: Any])
        let id = try #require(first["task_id"] as? Int), segment = try #require(first["segment_id"] as? Int)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(id)/skip", token: amina, json: ["reason": "distressing", "active_seconds": 2]).status == 204)
        let next = try #require(try HTTP.request("POST", url + "/v1/tasks/claim", token: baraka).json()["task"] as? [String: Any])
        #expect(next["segment_id"] as? Int == segment && next["content_warning"] as? Bool == true)
        #expect(try HTTP.request("POST", url + "/v1/tasks/\(next["task_id"] as? Int ?? 0)/listen", token: baraka).status == 204)
        #expect(try team.count("SELECT COUNT(*) AS n FROM exposures") == 1)
        for _ in 0..<3 {
            let t = try HTTP.request("POST", url + "/v1/tasks/claim", token: chausiku).json()["task"] as? [String: Any]
            #expect(t?["segment_id"] as? Int != segment && t?["content_warning"] as? Bool != true)
            if let t, let tid = t["task_id"] as? Int { _ = try HTTP.request("POST", url + "/v1/tasks/\(tid)/submit", token: chausiku, json: ["text": "maneno"]) }
        }
    }

    @Test func corsIsOffUnlessAnOriginIsGiven() throws {
        let team = try TeamProject(.sqlite, people: [])
        let closed = try ServeProcess(project: team.folder, logs: team.logs, name: "closed")
        let preflight = ["Origin: https://annotate.example.org", "Access-Control-Request-Method: POST"]
        #expect(!(try HTTP.request("OPTIONS", closed.url + "/v1/tasks/claim", headers: preflight).headers.contains("Access-Control-Allow-Origin")))
        let open = try ServeProcess(project: team.folder, logs: team.logs, name: "open", arguments: ["--cors-origin", "https://annotate.example.org"])
        let allowed = try HTTP.request("OPTIONS", open.url + "/v1/tasks/claim", headers: preflight)
        #expect(allowed.status == 204 && allowed.headers.contains("Access-Control-Allow-Origin: https://annotate.example.org"))
        #expect(allowed.headers.contains("Authorization"))
        let other = try HTTP.request("OPTIONS", open.url + "/v1/tasks/claim", headers: ["Origin: https://evil.example", "Access-Control-Request-Method: POST"])
        #expect(!other.headers.contains("Access-Control-Allow-Origin"))
    }

    @Test func hugeHeadersAreRefusedAndTheServerStaysUp() throws {
        let team = try TeamProject(.sqlite, people: [])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let answer = try? HTTP.request("GET", server.url + "/v1/health", headers: ["X-Padding: " + String(repeating: "a", count: 40_000)])
        #expect(answer?.status != 200, "a 40 KB header is not served: \(answer?.status ?? 0)")
        #expect(try HTTP.request("GET", server.url + "/v1/health").status == 200)
    }
}
