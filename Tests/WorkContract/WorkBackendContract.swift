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

    /// Going back, amending and moving boundaries: two people on a fresh project with
    /// redundancy 2 and at least three segments in one recording.
    public static func checkCraft(_ amina: any WorkBackend, _ baraka: any WorkBackend) throws {
        try amina.acknowledgeTerms()
        try baraka.acknowledgeTerms()
        let first = try amina.claim(kind: .transcribe, language: nil)
        _ = try amina.submit(task: first.taskID, text: "habari ya leo", activeSeconds: 4, fromMachineDraft: false, clientID: nil)
        // Only one's own submissions come back, in the order asked.
        let mine = try amina.submissions(tasks: [first.taskID, 999_999])
        #expect(mine.count == 1)
        let own = try #require(mine.first)
        #expect(own.text == "habari ya leo" && own.amendable && !own.settled && own.segmentID == first.segmentID)
        #expect(try baraka.submissions(tasks: [first.taskID]).isEmpty, "another person's submission is not shown")
        // Amending replaces the text until the segment settles; another person cannot.
        let amended = try amina.amend(annotation: own.annotationID, text: "habari za leo", activeSeconds: 0.5)
        #expect(amended.text == "habari za leo" && amended.amendable)
        #expect(try amina.amend(annotation: own.annotationID, text: "habari za leo", activeSeconds: 0.5) == amended, "the same text again is a retry")
        #expect(throws: ProjectError.self) { try baraka.amend(annotation: own.annotationID, text: "si yangu", activeSeconds: nil) }
        #expect(throws: ProjectError.self, "an empty amendment") { try amina.amend(annotation: own.annotationID, text: "  ", activeSeconds: nil) }
        #expect(throws: ProjectError.self, "more amending time than has passed") {
            try amina.amend(annotation: own.annotationID, text: "habari", activeSeconds: 3600)
        }
        let second = try baraka.claim(kind: .transcribe, language: nil)
        #expect(second.segmentID == first.segmentID, "a started segment first")
        let agreed = try baraka.submit(task: second.taskID, text: "habari za leo", activeSeconds: 3, fromMachineDraft: false, clientID: nil)
        #expect(agreed.settled != nil, "the amended text agrees, so the segment settles")
        #expect(throws: ProjectError.self, "a settled segment's text is not amended") {
            try amina.amend(annotation: own.annotationID, text: "habari", activeSeconds: nil)
        }
        let after = try #require(try amina.submissions(tasks: [first.taskID]).first)
        #expect(after.settled && !after.amendable)

        // The next segment shows the one before it, settled.
        let next = try amina.claim(kind: .transcribe, language: nil)
        #expect(next.before.last == ContextLine(segmentID: first.segmentID, text: "habari za leo", whose: .settled))
        #expect(try amina.held(task: next.taskID).before == next.before)
        #expect(throws: ProjectError.self, "only the holder sees a held task") { try baraka.held(task: next.taskID) }
        // Boundaries move for everyone; a neighbour, the recording and 0.2 s bound them.
        let (start, end) = (next.start, next.end)
        #expect(throws: ProjectError.self) { try baraka.editBoundaries(task: next.taskID, edit: .start(start + 0.1)) }
        let moved = try amina.editBoundaries(task: next.taskID, edit: .start(start + 0.1))
        #expect(abs(moved.start - (start + 0.1)) < 0.001 && moved.end == end && moved.marked == 0)
        #expect(throws: ProjectError.self, "before the recording") { try amina.editBoundaries(task: next.taskID, edit: .start(-1)) }
        #expect(throws: ProjectError.self, "past the end") { try amina.editBoundaries(task: next.taskID, edit: .start(end)) }
        let shorter = try amina.editBoundaries(task: next.taskID, edit: .end(end - 0.1))
        #expect(abs(shorter.end - (end - 0.1)) < 0.001)
        let held = try #require(try amina.resume(kind: .transcribe, language: nil))
        #expect(held.taskID == next.taskID && abs(held.start - moved.start) < 0.001 && abs(held.end - shorter.end) < 0.001, "the task follows its segment")
        // A split makes a new segment with its own tasks; a merge joins it back while nobody worked on it.
        let middle = ((moved.start + shorter.end) / 2 * 1000).rounded() / 1000
        let split = try amina.editBoundaries(task: next.taskID, edit: .split(at: middle))
        let created = try #require(split.newSegmentID)
        #expect(abs(split.end - middle) < 0.001)
        let merged = try amina.editBoundaries(task: next.taskID, edit: .merge)
        #expect(merged.mergedSegmentID == created && abs(merged.end - shorter.end) < 0.001)
        // Work already done on a segment whose boundaries change is kept and marked.
        let other = try baraka.claim(kind: .transcribe, language: nil)
        #expect(other.segmentID == next.segmentID)
        _ = try baraka.submit(task: other.taskID, text: "mvua inanyesha", activeSeconds: 2, fromMachineDraft: false, clientID: nil)
        let marked = try amina.editBoundaries(task: next.taskID, edit: .end(shorter.end - 0.05))
        #expect(marked.marked == 1)
        // A skip can say why, and "boundary wrong" is a reason.
        try amina.skip(task: next.taskID, reason: .other, comment: "kelele nyingi", activeSeconds: 2)
        let third = try amina.claim(kind: .transcribe, language: nil)
        try amina.skip(task: third.taskID, reason: .boundaryWrong, comment: nil, activeSeconds: 1)
    }
}
