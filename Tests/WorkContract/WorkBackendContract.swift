import ChorusStore
import Foundation
import Testing

/// What every ``WorkBackend`` must do, whatever carries the calls: written against the
/// protocol, run on the local backend over both engines (ChorusStoreTests) and on the remote
/// one through `chorus serve` (ChorusServerTests). Two people, amina and baraka, on a new
/// project with transcription tasks.
public enum WorkBackendContract {
    public static func check(_ amina: any WorkBackend, _ baraka: any WorkBackend) throws {
        #expect(try amina.me().name == "amina")
        #expect(try amina.terms().isEmpty == false)
        try amina.acknowledgeTerms()
        #expect(try amina.me().termsSeenAt != nil)
        #expect(try amina.resume(kind: .transcribe, language: nil) == nil)
        let task = try amina.claim(kind: .transcribe, language: nil)
        // Held tasks come back with their draft.
        try amina.saveDraft(task: task.taskID, text: "habari ya", activeSeconds: 5)
        let held = try #require(try amina.resume(kind: .transcribe, language: nil))
        #expect(held.taskID == task.taskID && held.draft == "habari ya" && held.draftActiveSeconds == 5)
        #expect(try amina.renew(task: task.taskID) > Date().timeIntervalSince1970)
        // Another person cannot touch the task.
        #expect(throws: ProjectError.self) { try baraka.submit(task: task.taskID, text: "si yangu", activeSeconds: nil, fromMachineDraft: false, clientID: nil) }
        #expect(throws: ProjectError.self) { try baraka.release(task: task.taskID) }
        // A submission retried is answered as the first time.
        let first = try amina.submit(task: task.taskID, text: "habari ya leo", activeSeconds: 20, fromMachineDraft: false, clientID: "c-1")
        #expect(try amina.submit(task: task.taskID, text: "habari ya leo", activeSeconds: 20, fromMachineDraft: false, clientID: nil) == first)
        #expect(try amina.submit(task: task.taskID, text: "habari ya leo ", activeSeconds: 21, fromMachineDraft: false, clientID: "c-1") == first)
        #expect(throws: ProjectError.self, "another text without the submission's id") {
            try amina.submit(task: task.taskID, text: "habari", activeSeconds: 20, fromMachineDraft: false, clientID: "c-2")
        }
        #expect(try amina.progress(since: Date(timeIntervalSince1970: 0), kind: .transcribe, language: nil).done == 1)
        #expect(try amina.pay(since: Date(timeIntervalSince1970: 0))?.tasks == 1)
        // Skip and release give tasks back.
        let next = try amina.claim(kind: .transcribe, language: nil)
        #expect(throws: ProjectError.self, "a submission id is one submission's") {
            try amina.submit(task: next.taskID, text: "nyingine", activeSeconds: 1, fromMachineDraft: false, clientID: "c-1")
        }
        try amina.release(task: next.taskID)
        let again = try amina.claim(kind: .transcribe, language: nil)
        try amina.skip(task: again.taskID, reason: .distressing, activeSeconds: 3)
        let warned = try baraka.claim(kind: .transcribe, language: nil)
        if warned.segmentID == again.segmentID {
            #expect(warned.contentWarning)
            try baraka.sawFlaggedContent(task: warned.taskID)
        }
        #expect(try amina.rejections().isEmpty)
    }
}
