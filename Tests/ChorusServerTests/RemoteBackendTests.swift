import ChorusRemote
import ChorusStore
import Foundation
import Testing
import TestSupport
import WorkContract

/// The remote backend (what the loop uses on an annotator's own machine) keeps the same
/// contract as the local one, through the real server, on both engines.
@Suite struct RemoteBackendTests {
    @Test(arguments: Engine.testable) func theRemoteBackendKeepsTheContract(engine: Engine) throws {
        let team = try TeamProject(engine, people: ["amina", "baraka"])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = try #require(URL(string: server.url))
        let amina = try RemoteWorkBackend(server: url, token: try team.token("amina", url: server.url))
        let baraka = try RemoteWorkBackend(server: url, token: try team.token("baraka", url: server.url))
        #expect(amina.config.sourceLanguage.value == "sw" && amina.config.leaseMinutes == 15)
        try WorkBackendContract.check(amina, baraka)
    }

    @Test(arguments: Engine.testable) func goingBackAndBoundariesThroughTheServer(engine: Engine) throws {
        let team = try TeamProject(engine, people: ["amina", "baraka"])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = try #require(URL(string: server.url))
        let amina = try RemoteWorkBackend(server: url, token: try team.token("amina", url: server.url))
        let baraka = try RemoteWorkBackend(server: url, token: try team.token("baraka", url: server.url))
        try WorkBackendContract.checkCraft(amina, baraka)
        // A submission's audio is amina's alone, and its address names no file on the server.
        let task = try amina.claim(kind: .transcribe, language: nil)
        _ = try amina.submit(task: task.taskID, text: "sauti", activeSeconds: 1, fromMachineDraft: false, clientID: nil)
        let own = try #require(try amina.submissions(tasks: [task.taskID]).first)
        #expect(own.recording.hasPrefix(server.url) && own.recording.hasSuffix("/v1/submissions/\(own.annotationID)/clip"))
        #expect(try amina.clip(submission: own.annotationID, context: 2).starts(with: Array("fLaC".utf8)))
        #expect { try baraka.clip(submission: own.annotationID) } throws: { ($0 as? ProjectError)?.code == .notYours }
        #expect { try amina.clip(submission: own.annotationID, context: 6) } throws: { ($0 as? ProjectError)?.code == .invalidInput }
    }

    @Test func failuresComeBackAsTheStoresErrors() throws {
        let team = try TeamProject(.sqlite, people: ["amina"])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let url = try #require(URL(string: server.url))
        #expect { try RemoteWorkBackend(server: url, token: "chorus_nonsense") } throws: { ($0 as? ProjectError)?.code == .unauthorized }
        let amina = try RemoteWorkBackend(server: url, token: try team.token("amina", url: server.url))
        let task = try amina.claim(kind: .transcribe, language: nil)
        let clip = try amina.clip(task: task.taskID)
        #expect(clip.starts(with: Array("fLaC".utf8)))
        #expect { try amina.saveDraft(task: task.taskID + 1000, text: "x", activeSeconds: nil) } throws: { ($0 as? ProjectError)?.code == .notYours }
        // The server gone: a store error, which the loop answers by keeping the text.
        server.daemon.signal(SIGKILL)
        _ = server.daemon.wait(seconds: 5)
        #expect { try amina.saveDraft(task: task.taskID, text: "x", activeSeconds: nil) } throws: { ($0 as? ProjectError)?.code == .store }
    }
}
