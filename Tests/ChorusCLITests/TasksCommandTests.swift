import Foundation
import Testing
import TestSupport

@Suite struct TasksCommandTests {
    /// A sw → en project holding sw-soko.flac (8 segments), with two annotators.
    static func project() throws -> String {
        let dir = try Fixtures.scratch() + "/p"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--target-lang", "en"]).status == 0)
        #expect(try ChorusProcess.run(["segment", Fixtures.corpus + "/audio/sw-soko.flac", "--project", dir, "-q"]).status == 0)
        #expect(try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw,en", "--rate", "12.50/hour", "--credit", "Amina Hassan", "--project", dir]).status == 0)
        #expect(try ChorusProcess.run(["annotators", "add", "baraka", "--languages", "sw", "--project", dir]).status == 0)
        return dir
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func claimSubmitAndSettleThroughTheCommandLine() throws {
        let dir = try Self.project()
        let a = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--project", dir, "--json"]).stdout)
        let b = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "baraka", "--project", dir, "--json"]).stdout)
        #expect(a["kind"] as? String == "transcribe")
        #expect(a["segment_id"] as? Int == b["segment_id"] as? Int)
        let aID = try #require(a["task_id"] as? Int), bID = try #require(b["task_id"] as? Int)
        let textFile = try Fixtures.scratch() + "/t.txt"
        try Fixtures.writeText("Habari za asubuhi.\n", to: textFile)
        let first = try ChorusProcess.run(["tasks", "submit", "\(aID)", "--as", "amina", "--text-file", textFile, "--project", dir, "--json"])
        #expect(try Self.object(first.stdout)["counted"] as? Bool == true)
        let second = try ChorusProcess.run(["tasks", "submit", "\(bID)", "--as", "baraka", "--text", "habari za asubuhi", "--project", dir, "--json"])
        #expect(try Self.object(second.stdout)["settled"] as? String == "Habari za asubuhi.")
        let translate = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--kind", "translate", "--project", dir, "--json"]).stdout)
        #expect(translate["language"] as? String == "en")
        #expect(translate["source_texts"] as? [String] == ["Habari za asubuhi."])
        // The next transcription shows the settled text of the segment before it.
        let next = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "baraka", "--project", dir, "--json"]).stdout)
        let before = try #require(next["before"] as? [[String: Any]])
        #expect(before.last?["text"] as? String == "Habari za asubuhi." && before.last?["whose"] as? String == "settled")
    }

    @Test func refusalsAreOneLineWithExitStatusOne() throws {
        let dir = try Self.project()
        let a = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--project", dir, "--json"]).stdout)
        let id = try #require(a["task_id"] as? Int)
        let cases: [([String], String)] = [
            (["tasks", "submit", "\(id)", "--as", "baraka", "--text", "x"], "chorus: error: task \(id) is not leased to baraka\n"),
            (["tasks", "submit", "9999", "--as", "amina", "--text", "x"], "chorus: error: there is no task 9999\n"),
            (["tasks", "submit", "\(id)", "--as", "amina", "--text", " "], "chorus: error: the text for task \(id) is empty\n"),
            (["tasks", "claim", "--as", "zawadi"], "chorus: error: no annotator named zawadi; add them with `chorus annotators add zawadi --languages LANG`\n"),
            (["tasks", "release", "\(id)", "--as", "baraka"], "chorus: error: task \(id) is not leased to baraka\n"),
        ]
        for (args, message) in cases {
            let run = try ChorusProcess.run(args + ["--project", dir])
            #expect(run.status == 1, "\(args)")
            #expect(run.stderr == message)
        }
        #expect(try ChorusProcess.run(["tasks", "skip", "\(id)", "--as", "amina", "--reason", "boring", "--project", dir]).status == 64)
        #expect(try ChorusProcess.run(["tasks", "submit", "\(id)", "--as", "amina", "--project", dir]).status == 64)
        #expect(try ChorusProcess.run(["annotators", "add", "x", "--languages", "klingon", "--project", dir]).status == 64)
    }

    @Test func skipAndReleaseHandTasksOn() throws {
        let dir = try Self.project()
        let a = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--project", dir, "--json"]).stdout)
        let id = try #require(a["task_id"] as? Int)
        #expect(try ChorusProcess.run(["tasks", "skip", "\(id)", "--as", "amina", "--reason", "distressing", "--project", dir]).status == 0)
        let b = try Self.object(try ChorusProcess.run(["tasks", "claim", "--as", "baraka", "--project", dir, "--json"]).stdout)
        #expect(b["task_id"] as? Int == id)
        #expect(b["content_warning"] as? Bool == true)
        #expect(try ChorusProcess.run(["tasks", "release", "\(id)", "--as", "baraka", "--project", dir]).status == 0)
        let list = try ChorusProcess.run(["annotators", "list", "--project", dir, "--json"])
        let people = list.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(people.map { $0["name"] as? String } == ["amina", "baraka"])
        #expect(people.first?["credit_name"] as? String == "Amina Hassan")
    }
}
