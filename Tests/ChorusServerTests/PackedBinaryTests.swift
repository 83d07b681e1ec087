@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// The tarball `make dist` packs for annotators: its `chorus` runs with the Swift toolchain
/// out of reach (an empty environment, no library path), logs in and works through a task
/// against a real server.
@Suite(.serialized) struct PackedBinaryTests {
    @Test func thePackedBinaryWorksThroughATaskWithoutTheToolchain() throws {
        guard let tarball = ProcessInfo.processInfo.environment["CHORUS_TEST_DIST"], !tarball.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_DIST is not set under CI: run the tests through `make test`") }
            return
        }
        let tarballPath = tarball.hasPrefix("/") ? tarball : Fixtures.packageRoot + "/" + tarball
        let team = try TeamProject(.sqlite, people: ["amina"], redundancy: 1)
        let unpacked = team.logs + "/unpacked"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        #expect(try Spawn.run(["tar", "-xzf", tarballPath, "-C", unpacked]) == 0)
        let binary = unpacked + "/chorus/chorus"
        #expect(FileManager.default.isExecutableFile(atPath: binary))
        #expect(FileManager.default.fileExists(atPath: unpacked + "/chorus/README.md"))
        // No Swift runtime library is loaded from anywhere: it is in the binary.
        #expect(try Spawn.run(["ldd", binary], output: team.logs + "/ldd.txt") == 0)
        let libraries = try String(contentsOfFile: team.logs + "/ldd.txt", encoding: .utf8)
        #expect(!libraries.contains("libswift") && !libraries.contains("libFoundation") && !libraries.contains("not found"), "\(libraries)")

        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let home = team.logs + "/laptop"
        try FileManager.default.createDirectory(atPath: home + "/work", withIntermediateDirectories: true)
        // An empty environment: no PATH to the toolchain, no library path.
        let bare = "env -i HOME='\(home)' PATH=/usr/bin:/bin TERM=xterm NO_COLOR=1"
        let login = team.logs + "/login.out"
        #expect(try Spawn.run(["sh", "-c", "cd '\(home)/work' && \(bare) '\(binary)' login \(server.url) --invite \(try team.invite("amina")) > '\(login)' 2>&1"]) == 0,
                "\((try? String(contentsOfFile: login, encoding: .utf8)) ?? "")")
        let t = try TmuxScreen("cd '\(home)/work' && exec \(bare) '\(binary)' transcribe --audio none")
        try t.acceptTerms()
        try t.type("sokoni")
        _ = try t.waitFor("> sokoni")
        try t.press("Enter")
        _ = try t.waitUntil("the submission counted") { $0.contains("done today 1") }
        try t.press("C-q")
        try t.waitForExit()
        let stored = try Project.open(at: team.folder).store.database.read { c in try c.query("SELECT text FROM annotations").map { $0["text"].string ?? "" } }
        #expect(stored == ["sokoni"])
        #expect(try team.count("SELECT COUNT(*) AS n FROM tasks WHERE state = 'leased'") == 0, "the task fetched ahead was given back at quit")
    }
}
