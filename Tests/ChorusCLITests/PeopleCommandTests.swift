@testable import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite struct PeopleCommandTests {
    func run(_ args: [String], _ p: LoopProject) throws -> ChorusRun { try ChorusProcess.run(args + ["--project", p.dir]) }

    @Test func payMeRejectAppealAndDecideFromTheCommandLine() throws {
        let p = try LoopProject(redundancy: 3)
        try p.configure("pay_model: task\npay_rate: \"0.125\"\ncurrency: EUR\npay_floor: \"12.00\"\n")
        #expect(try run(["annotators", "set", "amina", "--rate", "15/hour", "--credit", "Amina Hassan"], p).stdout.contains("amina: credited as Amina Hassan, 15/hour"))
        let bad = try run(["annotators", "set", "amina", "--credit", "A", "--no-credit"], p)
        #expect(bad.status != 0 && bad.stderr.contains("--credit and --no-credit exclude each other"))
        let project = try Project.open(at: p.dir)
        var ids: [String: Int64] = [:]
        for (name, seconds) in [("amina", 120.0), ("baraka", 30.0), ("chausiku", 90.0)] {
            let t = try project.work.claim(as: name, kind: .transcribe)
            ids[name] = try project.work.submit(task: t.taskID, as: name, text: "Habari za asubuhi.", activeSeconds: seconds).annotationID
        }
        // The table, with the floor flag and the rounding stated.
        let table = try run(["pay"], p)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("pay in EUR; floor 12.00 an hour"))
        #expect(table.stdout.contains("halves away from zero"))
        let chausiku = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("chausiku") })
        #expect(chausiku.contains("0.125/task") && chausiku.hasSuffix("BELOW FLOOR by 0.17 EUR"))
        #expect(try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("baraka") }).contains("BELOW") == false)
        // CSV: 0.125 for one task rounds to 0.13 paid, 15.60 an hour over 30 s; 120 s at 15 an hour is 0.50.
        let csv = try run(["pay", "--csv"], p).stdout.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = csv[0]
        func field(_ who: String, _ column: String) -> String? { csv.first { $0.first == who }.map { $0[header.firstIndex(of: column)!] } }
        #expect(field("amina", "earnings") == "0.50" && field("amina", "effective_hourly") == "15.00" && field("amina", "below_floor") == "false")
        #expect(field("baraka", "earnings") == "0.13" && field("baraka", "effective_hourly") == "15.60")
        #expect(field("chausiku", "earnings") == "0.13" && field("chausiku", "effective_hourly") == "5.20" && field("chausiku", "shortfall") == "0.17")
        // JSON amounts are decimal strings.
        let json = try JSONSerialization.jsonObject(with: Data(run(["pay", "--json"], p).stdout.utf8)) as? [String: Any]
        #expect(json?["total_earnings"] as? String == "0.76")

        // A rejection with a reason, seen by its author, appealed once, decided by a third person.
        let reject = try run(["annotations", "reject", String(ids["baraka"]!), "--as", "amina", "--reason", "the greeting is cut short"], p)
        #expect(reject.status == 0, "\(reject.stderr)")
        var me = try run(["me", "--as", "baraka"], p)
        #expect(me.stdout.contains("rejected: annotation \(ids["baraka"]!) (segment 1) by amina: the greeting is cut short"))
        #expect(me.stdout.contains("appeal once with: chorus annotations appeal \(ids["baraka"]!) --as baraka"))
        #expect(!me.stdout.contains("chausiku") && !me.stdout.contains("15.00") && !me.stdout.contains("0.50"), "no one else's figures")
        let appeal = try run(["annotations", "appeal", String(ids["baraka"]!), "--as", "baraka", "--comment", "it is all there"], p)
        #expect(appeal.status == 0)
        let twice = try run(["annotations", "appeal", String(ids["baraka"]!), "--as", "baraka", "--comment", "again"], p)
        #expect(twice.status == 1 && twice.stderr.contains("an appeal is once"))
        #expect(try run(["annotations", "appeals", "--as", "amina"], p).stdout.contains("no open appeals for amina"))
        let open = try run(["annotations", "appeals", "--as", "chausiku"], p).stdout
        #expect(open.contains("rejected by amina: the greeting is cut short") && open.contains("comment: it is all there"))
        let appealID = try #require(open.split(separator: ":").first?.split(separator: " ").last)
        let decided = try run(["annotations", "decide", String(appealID), "--as", "chausiku", "--overturn", "--reason", "the audio has it"], p)
        #expect(decided.status == 0, "\(decided.stderr)")
        me = try run(["me", "--as", "baraka", "--json"], p)
        let record = try JSONSerialization.jsonObject(with: Data(me.stdout.utf8)) as? [String: Any]
        let rejection = (record?["rejections"] as? [[String: Any]])?.first
        #expect(rejection?["decision"] as? String == "overturned" && rejection?["decision_reason"] as? String == "the audio has it")
        #expect((record?["pay"] as? [String: Any])?["appeals_overturned"] as? Int == 1)
        let badDay = try run(["pay", "--from", "2026-13-01"], p)
        #expect(badDay.status != 0 && badDay.stderr.contains("is not a date like"))
    }
}
