@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// The annotation loop on an annotator's own machine: `chorus login` with an invite code, then
/// `chorus transcribe` through the server over real HTTPS, in a real terminal (tmux).
@Suite(.serialized) struct RemoteLoopTests {
    /// A person's machine: its own config, data and cache folders, and a working folder that is
    /// no project.
    struct Laptop {
        let home: String
        var environment: [String: String] {
            ["XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data", "XDG_CACHE_HOME": home + "/cache", "HOME": home, "NO_COLOR": "1"]
        }
        init(_ team: TeamProject) throws {
            home = team.logs + "/laptop"
            try FileManager.default.createDirectory(atPath: home + "/work", withIntermediateDirectories: true)
        }
        func chorus(_ arguments: [String]) throws -> ChorusRun { try ChorusProcess.run(arguments, in: home + "/work", environment: environment) }
        func loop(_ command: String = "transcribe") throws -> TmuxScreen {
            try TmuxScreen("cd '\(home)/work' && exec '\(ChorusProcess.binary)' \(command) --audio none", environment: environment)
        }
    }

    @Test func goingBackHearingAroundAndBoundariesThroughTheServer() throws {
        let team = try TeamProject(.sqlite, people: ["amina"], redundancy: 2)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let laptop = try Laptop(team)
        #expect(try laptop.chorus(["login", server.url, "--invite", try team.invite("amina")]).status == 0)
        func stored(_ sql: String) throws -> [SQLRow] { try Project.open(at: team.folder).store.database.read { try $0.query(sql) } }
        let t = try laptop.loop()
        try t.acceptTerms()
        try t.type("kwanza")
        _ = try t.waitFor("> kwanza")
        try t.press("Enter")
        _ = try t.waitFor("before (yours, seg 1): kwanza")
        try t.type("pili")
        // Back to the first: its audio comes from the server, its text is amended there.
        try t.press("C-d")
        _ = try t.waitFor("Your submissions in this sitting")
        try t.press("Enter")
        _ = try t.waitFor("Amending your text of segment 1")
        _ = try t.waitFor("▶ playing")
        try t.press("C-w")
        try t.type("cha kwanza")
        try t.press("Enter")
        let screen = try t.waitFor("Amended your text of segment 1.")
        #expect(screen.contains("> pili"), "the draft of the current segment is back")
        #expect(try stored("SELECT text FROM annotations").map { $0["text"].string } == ["cha kwanza"])
        // Hearing around fetches a wider clip; the boundary editor moves the start for everyone.
        try t.press("C-n")
        _ = try t.waitUntil("the segment's edges marked") { $0.contains("┃") }
        let before = try stored("SELECT start FROM segments WHERE id = 2").first?["start"].double ?? 0
        try t.press("C-b")
        _ = try t.waitFor("moving the start")
        try t.press("Left")
        _ = try t.waitFor("(was ")
        try t.press("Enter")
        _ = try t.waitFor("Boundaries now")
        let after = try stored("SELECT start FROM segments WHERE id = 2").first?["start"].double ?? 0
        #expect(abs(after - (before - 0.1)) < 0.001)
        try t.press("C-q")
        _ = try t.waitFor("Quit now?")
        try t.press("y")
        try t.waitForExit()
    }

    @Test func aPersonLogsInWithAnInviteAndTranscribesThroughTheServer() throws {
        let team = try TeamProject(.sqlite, people: ["amina"], redundancy: 1)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let nginx = try NginxProcess(folder: team.logs, upstreams: [server.port], tls: try TestTLS(in: team.logs))
        let laptop = try Laptop(team)

        // Plain http to another machine is refused; a wrong code says so in one line.
        let plain = try laptop.chorus(["login", "http://192.0.2.1:8080", "--invite", "AAAA-AAAA-AAAA-AAAA"])
        #expect(plain.status == 1 && plain.stderr.contains("plain http"))
        let wrong = try laptop.chorus(["login", nginx.url, "--invite", "AAAA-AAAA-AAAA-AAAA", "--ca", nginx.tls.ca])
        #expect(wrong.status == 1 && wrong.stderr.contains("not a valid invite"), "\(wrong.stderr)")

        let code = try team.invite("amina")
        let login = try laptop.chorus(["login", nginx.url, "--invite", code, "--ca", nginx.tls.ca])
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("as amina"))
        let saved = laptop.home + "/config/chorus/login.json"
        let mode = (try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        let t = try laptop.loop()
        try t.acceptTerms()
        try t.type("Habari ŋombe 東京 مرحبا")
        _ = try t.waitFor("> Habari ŋombe 東京 مرحبا")
        try t.press("Enter")
        _ = try t.waitFor("done today 1")
        try t.press("C-q")
        try t.waitForExit()
        let stored = try Project.open(at: team.folder).store.database.read { c in try c.query("SELECT text FROM annotations").map { $0["text"].string ?? "" } }
        #expect(stored == ["Habari ŋombe 東京 مرحبا"])
        // The token is in the saved login only: not in the server's log or the audit log.
        let token = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])?["token"] as? String ?? "?"
        #expect(!server.daemon.stderr.contains(token))

        let logout = try laptop.chorus(["logout"])
        #expect(logout.status == 0 && !FileManager.default.fileExists(atPath: saved))
    }
}

/// Through a dropped server and a killed client, every typed word arrives, once.
@Suite(.serialized) struct RemoteJournalTests {
    @Test func workGoesOnThroughAServerOutageAndAKilledClientAndArrivesOnce() throws {
        let team = try TeamProject(.sqlite, people: ["amina"], redundancy: 1)
        var server = try ServeProcess(project: team.folder, logs: team.logs)
        let port = server.port
        let laptop = try RemoteLoopTests.Laptop(team)
        let login = try laptop.chorus(["login", server.url, "--invite", try team.invite("amina")])
        #expect(login.status == 0, "\(login.stderr)")
        func stored() throws -> [String] {
            try Project.open(at: team.folder).store.database.read { c in try c.query("SELECT text FROM annotations ORDER BY id").map { $0["text"].string ?? "" } }
        }

        var t = try laptop.loop()
        try t.acceptTerms()
        try t.type("kwanza ñ")
        _ = try t.waitFor("> kwanza ñ")
        try t.press("Enter")
        _ = try t.waitFor("done today 1")

        // The server goes away mid-sitting: the next submission is kept on this machine, and the
        // screen says so.
        server.daemon.signal(SIGKILL)
        _ = server.daemon.wait(seconds: 5)
        let down = Date()
        try t.type("pili ŋ")
        _ = try t.waitFor("> pili ŋ")
        try t.press("Enter")
        _ = try t.waitFor("offline: 1 submission waiting to be sent")
        #expect(try stored() == ["kwanza ñ"])
        // The person goes on with the segment already on their machine while the server stays
        // away for half a minute.
        _ = try t.waitFor("Segment ")
        try t.type("bado")
        Thread.sleep(forTimeInterval: max(0, 30 - Date().timeIntervalSince(down)))
        #expect(try t.screen().contains("offline: 1 submission waiting to be sent"))
        try t.press("C-w")

        // Back again: delivered once, in order, and work goes on.
        server = try ServeProcess(project: team.folder, logs: team.logs, name: "serve-again", port: port)
        _ = try t.waitUntil("the waiting submission delivered", timeout: 20) { !$0.contains("offline:") && $0.contains("done today 2") }
        #expect(try stored() == ["kwanza ñ", "pili ŋ"])
        _ = try t.waitFor("Segment ")

        // A draft typed while the server is away, then the client killed: both come back.
        server.daemon.signal(SIGKILL)
        _ = server.daemon.wait(seconds: 5)
        try t.type("tatu nne")
        _ = try t.waitFor("> tatu nne")
        Thread.sleep(forTimeInterval: 2.5)  // past the autosave, written to the journal only
        kill(try t.pid(), SIGKILL)
        server = try ServeProcess(project: team.folder, logs: team.logs, name: "serve-third", port: port)
        t = try laptop.loop()
        _ = try t.waitFor("> tatu nne", timeout: 20)
        try t.press("Enter")
        _ = try t.waitFor("done today 3")
        try t.press("C-q")
        try t.waitForExit()
        #expect(try stored() == ["kwanza ñ", "pili ŋ", "tatu nne"], "every typed word once")
    }
}

/// A lease that lapsed while the person was offline, and access revoked: nothing is thrown
/// away, and the person is told.
@Suite(.serialized) struct RemoteAccessTests {
    @Test func aLateSubmissionIsKeptAndARevokedLoginKeepsTheJournal() throws {
        let team = try TeamProject(.sqlite, people: ["amina", "baraka"], redundancy: 1)
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let proxy = try DelayProxy(to: server.port, delay: 0)
        let laptop = try RemoteLoopTests.Laptop(team)
        let url = "http://127.0.0.1:\(proxy.port)"
        #expect(try laptop.chorus(["login", url, "--invite", try team.invite("amina")]).status == 0)
        func annotations() throws -> [(text: String, counted: Bool)] {
            try Project.open(at: team.folder).store.database.read { c in
                try c.query("SELECT text, counted FROM annotations ORDER BY id").map { ($0["text"].string ?? "", $0["counted"].int == 1) }
            }
        }

        var t = try laptop.loop()
        try t.acceptTerms()
        let first = try t.screen()
        let segment = Int(first.components(separatedBy: "Segment ")[1].prefix { $0.isNumber }) ?? 0

        // Offline: the text waits on the laptop while the lease lapses and baraka does the task.
        proxy.refuse(true)
        try t.type("nimechelewa")
        try t.press("Enter")
        _ = try t.waitFor("offline: 1 submission waiting to be sent")
        try Project.open(at: team.folder).store.database.write { c in
            try c.execute("UPDATE tasks SET lease_expires = 1 WHERE segment_id = ? AND state = 'leased'", [.integer(Int64(segment))])
        }
        let baraka = try team.token("baraka", url: server.url)
        let taken = try #require(try HTTP.request("POST", server.url + "/v1/tasks/claim", token: baraka).json()["task"] as? [String: Any])
        #expect(taken["segment_id"] as? Int == segment)
        #expect(try HTTP.request("POST", server.url + "/v1/tasks/\(taken["task_id"] as? Int ?? 0)/submit", token: baraka, json: ["text": "nimefika"]).status == 200)
        proxy.refuse(false)
        // Messages wrap at the screen's width wherever their words fall.
        func says(_ text: String) -> (String) -> Bool { { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ").contains(text) } }
        _ = try t.waitUntil("the late delivery told", timeout: 20, says("kept as an extra annotation"))
        let stored = try annotations()
        #expect(stored.count == 2 && stored.contains { $0.text == "nimechelewa" && !$0.counted }, "amina's late text is kept: \(stored)")

        // Access revoked: the next submission stays in the journal, the screen says why.
        try team.chorus(["annotators", "revoke", "amina"])
        _ = try t.waitUntil("the next segment") { !$0.contains("offline:") && $0.contains("Segment ") }
        try t.type("bado nipo")
        try t.press("Enter")
        _ = try t.waitUntil("the refusal told", timeout: 20, says("refused your login"))
        try t.press("C-q")
        _ = try t.waitUntil("the summary", says("the next time you start"))
        #expect(try annotations().count == 2)

        // Access back (a new invite): the next start delivers it.
        #expect(try laptop.chorus(["login", url, "--invite", try team.invite("amina")]).status == 0)
        t = try laptop.loop()
        _ = try t.waitUntil("the journal delivered", timeout: 20) { _ in (try? annotations().contains { $0.text == "bado nipo" }) == true }
        try t.press("C-q")
        let me = try laptop.chorus(["me"])
        #expect(me.status == 0 && me.stdout.contains("amina") && me.stdout.contains("tasks"), "\(me.stdout)\(me.stderr)")
    }
}
