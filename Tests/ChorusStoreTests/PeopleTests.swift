@testable import ChorusStore
import Foundation
import Testing
import TestSupport

@Suite struct MoneyTests {
    @Test func decimalAmountsRoundHalfAwayFromZeroToTheCurrencysMinorUnit() {
        #expect(Money.parse("0.1")! + Money.parse("0.2")! == Money.parse("0.3")!, "decimal, not binary floating point")
        for bad in ["", "-1", "1e3", "1,50", ".5", "1.2.3", "12 EUR", "١٢"] { #expect(Money.parse(bad) == nil, "\(bad)") }
        #expect(Money.format(Money.parse("0.375")!, places: 2) == "0.38")
        #expect(Money.format(Money.parse("0.365")!, places: 2) == "0.37")
        #expect(Money.format(Money.parse("1234.5")!, places: 0) == "1235")
        #expect(Money.format(Money.parse("0.1235")!, places: 3) == "0.124")
        #expect(Money.format(Money.parse("7")!, places: 2) == "7.00")
        #expect(Money.format(Money.parse("0.004")!, places: 2) == "0.00")
        #expect(Currency.minorUnits("EUR") == 2 && Currency.minorUnits("JPY") == 0 && Currency.minorUnits("KWD") == 3 && Currency.minorUnits("KES") == 2)
        #expect(Currency.minorUnits("XYZ") == nil && Currency.minorUnits("eur") == nil)
    }
}

@Suite struct PayTests {
    /// Three 3-second segments; each person transcribes all three with the active seconds given.
    static func work(_ s: Scenario, _ name: String, active: [Double], at minutes: Double = 0) throws {
        for seconds in active {
            let t = try s.work.claim(as: name, kind: .transcribe, now: s.at(minutes))
            _ = try s.work.submit(task: t.taskID, as: name, text: "habari \(name)", activeSeconds: seconds, now: s.at(minutes))
        }
    }

    @Test(arguments: Engine.testable) func eachPayModelTheFloorAndTheShortfall(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.redundancy = 5
        config.payModel = .task
        config.payRate = "0.05"
        config.payFloor = "12.00"
        config.currency = "EUR"
        let s = try Scenario(engine, people: ["amina", "baraka", "chausiku"], config: config)
        _ = try s.project.store.updateAnnotator(name: "baraka", rate: "0.40/audio-minute")
        _ = try s.project.store.updateAnnotator(name: "chausiku", rate: "0.125/task")
        try s.project.store.addAnnotator(name: "dalila", languages: [LanguageTag("sw")], rate: nil, creditName: nil)
        try s.project.store.addAnnotator(name: "eli", languages: [LanguageTag("sw")], rate: nil, creditName: nil)
        try Self.work(s, "amina", active: [100, 200, 60.5])
        try Self.work(s, "baraka", active: [30, 30, 30])
        try Self.work(s, "chausiku", active: [36, 36, 36])
        try Self.work(s, "dalila", active: [10, 10, 10])
        let report = try s.project.store.payReport(config: s.project.config)
        let by = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.annotator, $0) })
        #expect(by["eli"] == nil, "no work, no line")
        // 12.50 an hour over 360.5 s: 1.2517… → 1.25 paid, which is 12.48 an hour.
        #expect(by["amina"]?.earnings == Money.parse("1.25") && by["amina"]?.effectiveHourly == Money.parse("12.48") && by["amina"]?.belowFloor == false)
        // 0.40 a minute of audio over 9 s of audio: 0.06; 90 s of work make 2.40 an hour; 12.00 × 90 s = 0.30, short by 0.24.
        #expect(by["baraka"]?.audioMinutes == Money.parse("0.15"))
        #expect(by["baraka"]?.earnings == Money.parse("0.06") && by["baraka"]?.effectiveHourly == Money.parse("2.40"))
        #expect(by["baraka"]?.shortfall == Money.parse("0.24"))
        // 0.125 a task × 3 = 0.375 → 0.38 (halves away from zero); 12.67 an hour, above the floor.
        #expect(by["chausiku"]?.earnings == Money.parse("0.38") && by["chausiku"]?.shortfall == nil)
        // No rate of her own: the project's 0.05 a task.
        #expect(by["dalila"]?.model == .task && by["dalila"]?.rate == "0.05" && by["dalila"]?.earnings == Money.parse("0.15"))
        #expect(report.totalEarnings == Money.parse("1.84"))
        #expect(report.rounding.contains("halves away from zero"))
        // A period: nothing was submitted on the day after.
        let later = try s.project.store.payReport(config: s.project.config, from: s.at(24 * 60).timeIntervalSince1970)
        #expect(later.lines.isEmpty)
    }

    @Test func yenHasNoMinorUnit() throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.currency = "JPY"
        let s = try Scenario(.sqlite, people: ["amina"], config: config)
        _ = try s.project.store.updateAnnotator(name: "amina", rate: "1500/hour")
        try Self.work(s, "amina", active: [61, 61, 61])
        let line = try #require(try s.project.store.payReport(config: s.project.config).lines.first)
        // 1500 × 183 s / 3600 = 76.25 → 76.
        #expect(line.earnings == 76 && Money.format(line.earnings, places: 0) == "76")
    }

    @Test(arguments: Engine.testable) func rejectedWorkIsPaidUnlessThePersonWasToldOtherwiseAndAppealsAreFair(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.redundancy = 5
        config.payRejectedWork = false
        let s = try Scenario(engine, config: config)
        _ = try s.project.store.updateAnnotator(name: "amina", rate: "1.00/task")
        // One text before amina was shown the terms, two after.
        try Self.work(s, "amina", active: [60], at: 0)
        try s.work.acknowledgeTerms(as: "amina", now: s.at(1))
        try Self.work(s, "amina", active: [60, 60], at: 2)
        let ids = try s.project.store.database.read { c in
            try c.query("SELECT id FROM annotations WHERE annotator_id = 1 ORDER BY id").compactMap { $0["id"].int }
        }
        #expect(throws: ProjectError.self) { try s.project.store.reject(annotation: ids[0], as: "amina", reason: "mine") }
        #expect(throws: ProjectError.self) { try s.project.store.reject(annotation: ids[0], as: "baraka", reason: "  ") }
        for id in ids { try s.project.store.reject(annotation: id, as: "baraka", reason: "the last word is missing") }
        #expect(throws: ProjectError.self) { try s.project.store.reject(annotation: ids[0], as: "chausiku", reason: "again") }
        var line = try #require(try s.project.store.payReport(config: s.project.config).lines.first { $0.annotator == "amina" })
        #expect(line.rejected == 3 && line.rejectedUnpaid == 2 && line.earnings == 1, "paid for the one done before she was told")
        // Appeals: only the author, only once; decided by someone who neither wrote nor rejected it.
        #expect(throws: ProjectError.self) { try s.project.store.appeal(annotation: ids[1], as: "chausiku", comment: "not mine") }
        let appeal = try s.project.store.appeal(annotation: ids[1], as: "amina", comment: "listen at 0:02")
        #expect(throws: ProjectError.self) { try s.project.store.appeal(annotation: ids[1], as: "amina", comment: "again") }
        #expect(try s.project.store.openAppeals(for: "baraka").isEmpty, "not to the reviewer who rejected it")
        #expect(try s.project.store.openAppeals(for: "amina").isEmpty, "not to its author")
        #expect(try s.project.store.openAppeals(for: "chausiku").map(\.id) == [appeal])
        #expect(throws: ProjectError.self) { try s.project.store.decide(appeal: appeal, as: "baraka", overturn: true, reason: "ok") }
        try s.project.store.decide(appeal: appeal, as: "chausiku", overturn: true, reason: "the word is there at 0:02")
        #expect(throws: ProjectError.self) { try s.project.store.decide(appeal: appeal, as: "dalila", overturn: false, reason: "late") }
        line = try #require(try s.project.store.payReport(config: s.project.config).lines.first { $0.annotator == "amina" })
        #expect(line.rejected == 2 && line.rejectedUnpaid == 1 && line.earnings == 2 && line.appeals == 1 && line.appealsOverturned == 1)
        let seen = try s.project.store.rejections(of: "amina")
        #expect(seen.count == 3 && seen.allSatisfy { $0.reason == "the last word is missing" })
        #expect(seen.first { $0.annotationID == ids[1] }?.decisionReason == "the word is there at 0:02")
        // The project's default pays rejected work whatever the person was told.
        var paying = s.project.config
        paying.payRejectedWork = true
        #expect(try s.project.store.payReport(config: paying).lines.first { $0.annotator == "amina" }?.earnings == 3)
    }
}

@Suite struct ContentRoutingTests {
    /// `flagged` segments skipped as distressing by amina, who transcribes nothing else.
    static func flag(_ s: Scenario, _ flagged: Int) throws {
        for _ in 0..<flagged {
            let t = try s.work.claim(as: "amina", kind: .transcribe, now: s.t0)
            try s.work.skip(task: t.taskID, as: "amina", reason: .distressing, now: s.t0)
        }
    }

    @Test(arguments: Engine.testable) func anOptedOutPersonNeverGetsAFlaggedSegmentEvenUnderConcurrentClaims(engine: Engine) throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.redundancy = 4
        let people = ["amina", "baraka", "chausiku", "dalila", "eli"]
        let s = try Scenario(engine, segments: 12, people: people, config: config)
        try Self.flag(s, 4)
        let flagged = Set(try s.project.store.database.read { c in try c.query("SELECT id FROM segments WHERE content_warning = 1").compactMap { $0["id"].int } })
        #expect(flagged.count == 4)
        for name in ["baraka", "chausiku", "dalila"] { _ = try s.project.store.updateAnnotator(name: name, avoidDistressing: true) }
        let got = Locked<[String: [Int64]]>([:])
        let work = s.work
        let t0 = s.t0
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let name = ["baraka", "chausiku", "dalila", "eli"][i]
            while let t = try? work.claim(as: name, kind: .transcribe, now: t0) {
                got.update { $0[name, default: []].append(t.segmentID) }
                _ = try? work.submit(task: t.taskID, as: name, text: "habari", activeSeconds: 5, now: t0)
            }
        }
        let all = got.value
        for name in ["baraka", "chausiku", "dalila"] {
            #expect((all[name] ?? []).count == 8, "\(name) did every unflagged segment")
            #expect(Set(all[name] ?? []).isDisjoint(with: flagged), "\(name) opted out")
        }
        #expect(Set(all["eli"] ?? []).isSuperset(of: flagged), "someone who did not opt out still gets them, with the warning")
    }

    @Test func theDayCapsOnDistressingContentAndWorkingHoursLiftTheNextDay() throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.redundancy = 3
        config.distressingPerDay = 1
        config.dailyCapHours = 0.01  // 36 seconds
        let s = try Scenario(.sqlite, segments: 6, people: ["amina", "baraka", "chausiku"], config: config)
        try Self.flag(s, 2)
        // The first flagged segment comes to baraka and she works on it: her one for the day.
        let first = try s.work.claim(as: "baraka", kind: .transcribe, now: s.t0)
        #expect(first.contentWarning)
        try s.work.sawFlaggedContent(task: first.taskID, as: "baraka", now: s.t0)
        _ = try s.work.submit(task: first.taskID, as: "baraka", text: "habari", activeSeconds: 5, now: s.t0)
        let next = try s.work.claim(as: "baraka", kind: .transcribe, now: s.t0)
        #expect(!next.contentWarning, "the second flagged segment waits for another day")
        _ = try s.work.submit(task: next.taskID, as: "baraka", text: "habari", activeSeconds: 40, now: s.t0)
        // 45 s of work today: past the 36 s cap.
        let capped = #expect(throws: ProjectError.self) { try s.work.claim(as: "baraka", kind: .transcribe, now: s.t0) }
        #expect(capped?.code == .dailyCapReached && capped?.message.contains("daily cap") == true)
        let tomorrow = try s.work.claim(as: "baraka", kind: .transcribe, now: s.at(24 * 60))
        #expect(tomorrow.contentWarning, "a new day: the flagged segment again, with its warning")
        var report = try s.project.store.payReport(config: s.project.config)
        #expect(report.lines.first { $0.annotator == "baraka" }?.distressingSeen == 1)
        // Time spent before a skip is work: it counts towards hours and is paid by the hour.
        let t = try s.work.claim(as: "chausiku", kind: .transcribe, now: s.t0)
        try s.work.skip(task: t.taskID, as: "chausiku", reason: .unintelligible, activeSeconds: 72, now: s.t0)
        report = try s.project.store.payReport(config: s.project.config)
        let chausiku = try #require(report.lines.first { $0.annotator == "chausiku" })
        #expect(chausiku.skips == 1 && chausiku.activeHours == Money.parse("0.02") && chausiku.earnings == Money.parse("0.25"), "72 s at 12.50 an hour")
        #expect(report.lines.first { $0.annotator == "amina" }?.skips == 2)
    }
}

/// A value behind a lock, for results gathered from concurrent work.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func update(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}

/// The pay calculator on its own, without a store.
@Suite struct PayCalculatorTests {
    static func person(_ rate: String?, model: PayModel, termsSeenAt: Double? = nil) -> Annotator {
        Annotator(id: 1, name: "neema", languages: [], payModel: model, payRate: rate, creditName: nil, avoidDistressing: false, termsSeenAt: termsSeenAt)
    }

    @Test func hourlyPayTheFloorRejectedWorkAndSkips() throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.payFloor = "12.00"
        config.payRejectedWork = false
        let work = [
            PayInput.Work(activeSeconds: 600, audioSeconds: 30, submittedAt: 100),
            PayInput.Work(activeSeconds: 600, audioSeconds: 30, submittedAt: 200, rejected: true),
            PayInput.Work(activeSeconds: 600, audioSeconds: 30, submittedAt: 300, rejected: true, appealed: true, overturned: true),
        ]
        let told = PayInput(annotator: Self.person("10.00", model: .hour, termsSeenAt: 50), work: work, skips: 1, skipSeconds: 180)
        let line = try #require(PayCalculator.line(told, config: config))
        // Paid: 600 + 600 (overturned) + 180 s of skipping = 1380 s at 10.00 = 3.83; worked 1980 s.
        #expect(line.earnings == Money.parse("3.83") && line.rejected == 1 && line.rejectedUnpaid == 1)
        #expect(line.appeals == 1 && line.appealsOverturned == 1 && line.paidTasks == 2)
        #expect(line.activeHours == Decimal(1980) / 3600)
        // 12.00 × 0.55 h = 6.60, short by 2.77.
        #expect(line.shortfall == Money.parse("2.77") && line.belowFloor)
        // Not told that rejected work goes unpaid: it is paid.
        let untold = PayInput(annotator: Self.person("10.00", model: .hour), work: work)
        #expect(PayCalculator.line(untold, config: config)?.rejectedUnpaid == 0)
        // Nothing done, nothing listed.
        #expect(PayCalculator.line(PayInput(annotator: Self.person(nil, model: .none), work: []), config: config) == nil)
    }

    @Test func impossibleStoredTimesNeverMakePayNegativeOrUnbounded() throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [])
        config.payModel = .hour
        config.payRate = "10"
        let input = PayInput(annotator: Self.person(nil, model: .none), work: [
            PayInput.Work(activeSeconds: -3600, audioSeconds: 3, submittedAt: 1),
            PayInput.Work(activeSeconds: .nan, audioSeconds: 3, submittedAt: 2),
            PayInput.Work(activeSeconds: 1e12, audioSeconds: 3, submittedAt: 3),
        ])
        let line = try #require(PayCalculator.line(input, config: config))
        #expect(line.activeHours == 24 && line.earnings == Money.parse("240.00"))
    }
}
