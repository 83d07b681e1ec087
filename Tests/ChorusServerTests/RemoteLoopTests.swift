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
        _ = try t.waitFor("I have read this")
        Thread.sleep(forTimeInterval: 0.6)
        try t.press("Enter")
        _ = try t.waitFor("Segment ")
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
