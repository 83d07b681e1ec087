import ChorusStore
import Foundation
import Testing
import TestSupport

/// Many processes working one SQLite project at once, one of them killed mid-run.
@Suite(.serialized) struct ReliabilityTests {
    struct Step: Hashable { let worker: String; let task: Int64; let counted: Bool }

    static func lines(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    @Test(arguments: Engine.testable) func eightWorkersFiveHundredCyclesOneKilledNothingLostNothingDoubled(engine: Engine) throws {
        let dir = try Fixtures.scratch()
        let project = dir + "/q"
        let make = Process()
        make.executableURL = URL(fileURLWithPath: ChorusProcess.benchBinary)
        make.arguments = ["queue-project", project, "2600", "8"] + (try engine.database().map { [$0] } ?? [])  // 5,200 tasks for 4,000 cycles
        try make.run()
        make.waitUntilExit()
        #expect(make.terminationStatus == 0)

        var workers: [Process] = []
        for w in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ChorusProcess.benchBinary)
            p.arguments = ["worker", project, "w\(w)", "500"]
            _ = FileManager.default.createFile(atPath: "\(dir)/w\(w).log", contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/w\(w).log"))
            _ = FileManager.default.createFile(atPath: "\(dir)/w\(w).err", contents: nil)
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/w\(w).err"))
            try p.run()
            workers.append(p)
        }
        // Once w0 has done 100 cycles, freeze it until the last step it committed is a claim whose
        // task the store still shows leased to it, so it dies holding a lease (perhaps inside its
        // submit's transaction, holding SQLite's write lock), then kill it.
        let victim = workers[0]
        let db: SQLDatabase = engine == .sqlite
            ? try SQLiteDatabase(path: project + "/chorus.sqlite")
            : try PostgresDatabase(url: try ProjectConfig.read(path: project + "/chorus.yaml").database)
        let deadline = Date().addingTimeInterval(120)
        while Self.lines("\(dir)/w0.log").filter({ $0.hasPrefix("submitted") }).count < 100 && Date() < deadline { usleep(2000) }
        var holding = false
        for _ in 0..<500 where !holding {
            kill(victim.processIdentifier, SIGSTOP)
            usleep(3000)
            if let last = Self.lines("\(dir)/w0.log").last, last.hasPrefix("claimed"), let task = Int64(last.split(separator: " ")[1]) {
                holding = try db.read { c in
                    try c.query("SELECT state FROM tasks WHERE id = ?", [.integer(task)]).first?["state"].string == "leased"
                }
            }
            if !holding {
                kill(victim.processIdentifier, SIGCONT)
                usleep(UInt32.random(in: 100...900))
            }
        }
        kill(victim.processIdentifier, SIGKILL)
        for p in workers { p.waitUntilExit() }
        #expect(holding, "w0 was caught holding a lease")
        #expect(victim.terminationReason == .uncaughtSignal)
        for (w, p) in workers.enumerated().dropFirst() {
            #expect(p.terminationStatus == 0, "w\(w): \((try? String(contentsOfFile: "\(dir)/w\(w).err", encoding: .utf8)) ?? "")")
            #expect(Self.lines("\(dir)/w\(w).log").last == "done 500")
        }

        // Everything each worker saw committed.
        var printed: [Step] = []
        for w in 0..<8 {
            for line in Self.lines("\(dir)/w\(w).log") where line.hasPrefix("submitted") {
                let f = line.split(separator: " ")
                printed.append(Step(worker: "w\(w)", task: Int64(f[1])!, counted: f[2] == "1"))
            }
        }
        // Nobody releases and leases last a minute, far longer than the run: a task claimed by
        // two workers was handed out twice.
        var claimedBy: [Int64: Set<Int>] = [:]
        for w in 0..<8 {
            for line in Self.lines("\(dir)/w\(w).log") where line.hasPrefix("claimed") {
                claimedBy[Int64(line.split(separator: " ")[1])!, default: []].insert(w)
            }
        }
        #expect(claimedBy.count >= 3_600)
        let doubled = claimedBy.filter { $0.value.count > 1 }
        #expect(doubled.isEmpty, "tasks handed to two workers: \(doubled.keys.sorted().prefix(10))")
        let stored = try db.read { c in
            try c.query("SELECT a.task_id, n.name, a.counted FROM annotations a JOIN annotators n ON n.id = a.annotator_id").map {
                Step(worker: $0["name"].string ?? "", task: $0["task_id"].int ?? 0, counted: $0["counted"].int == 1)
            }
        }
        let lost = Set(printed).subtracting(stored)
        #expect(lost.isEmpty, "submissions reported but not stored: \(lost)")
        #expect(printed.count >= 3_600)
        // The killed worker may have committed one submission it never got to print.
        #expect(stored.count - printed.count <= 1)
        var countedPerTask: [Int64: Int] = [:]
        for s in stored where s.counted { countedPerTask[s.task, default: 0] += 1 }
        #expect(countedPerTask.values.allSatisfy { $0 == 1 }, "a task was counted twice")
        let doneByOthers = try db.read { c in
            try c.query("SELECT COUNT(*) AS n FROM tasks t JOIN annotations a ON a.task_id = t.id AND a.counted = 1 WHERE t.annotator_id <> a.annotator_id").first?["n"].int
        }
        #expect(doneByOthers == 0, "a task completed by one person holds another's counted annotation")

        // The dead worker's lease goes back to the pool once it lapses (lease_minutes is 1 here).
        let opened = try Project.open(at: project)
        let held = try db.read { c in
            try c.query("SELECT t.id FROM tasks t JOIN annotators n ON n.id = t.annotator_id WHERE n.name = 'w0' AND t.state = 'leased'").compactMap { $0["id"].int }
        }
        #expect(held.count == 1)
        try opened.store.addAnnotator(name: "late", languages: [try LanguageTag("sw")], rate: nil, creditName: nil)
        _ = try opened.work.claim(as: "late", kind: .transcribe, now: Date().addingTimeInterval(120))
        let stillHeld = try db.read { c in
            try c.query("SELECT t.id FROM tasks t JOIN annotators n ON n.id = t.annotator_id WHERE n.name = 'w0' AND t.state = 'leased'").count
        }
        #expect(stillHeld == 0)
    }
}
