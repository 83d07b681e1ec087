@testable import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite struct ValidateCommandTests {
    @Test func reportsWritesTheReportAndFailsOnErrors() throws {
        let p = try LoopProject(redundancy: 2)
        let project = try Project.open(at: p.dir)
        for (name, text) in [("amina", "Habari za asubuhi."), ("baraka", "habari za asubuhi")] {
            let t = try project.work.claim(as: name, kind: .transcribe)
            _ = try project.work.submit(task: t.taskID, as: name, text: text)
        }
        let clean = try ChorusProcess.run(["validate", "--project", p.dir])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("0 errors"))
        #expect(clean.stdout.contains("translation-present       warning   1"))
        #expect(clean.stdout.contains("transcribers: 1 segments with two or more transcripts"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.dir + "/report.json"))) as? [String: Any]
        #expect((report?["rules"] as? [Any])?.count == 17, "16 rules and the recordings' files")
        #expect(((report?["rules"] as? [[String: Any]])?.first?["rule"] as? String) == "recording-files")
        let page = try String(contentsOfFile: p.dir + "/report.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 3, "histogram, per-annotator bars, speaking-rate scatter")
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("src="), "self-contained")

        // A control character slipped into the settled text: an error, exit status 1.
        try project.store.database.write { try $0.execute("UPDATE settled SET text = 'Habari za\u{0007} asubuhi.' WHERE segment_id = 1") }
        let broken = try ChorusProcess.run(["validate", "--project", p.dir, "--json"])
        #expect(broken.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any]
        let findings = json?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "control-characters" && $0["segment"] as? Int == 1 && $0["severity"] as? String == "error" })
        let brokenPage = try String(contentsOfFile: p.dir + "/report.html", encoding: .utf8)
        #expect(brokenPage.contains("<td class=\"error\">error</td><td>control-characters</td><td class=\"num\">1</td>"))
    }
}
