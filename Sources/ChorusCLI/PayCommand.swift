import ArgumentParser
import ChorusRemote
import ChorusStore
import ChorusValidation
import Foundation

/// `--from DATE --to DATE`: a period of UTC days, both included.
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The first day (UTC) to count, YYYY-MM-DD.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("The last day (UTC) to count, YYYY-MM-DD, included.", valueName: "date"))
    var to: String?

    static func day(_ text: String, _ flag: String) throws -> Double {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let d = f.date(from: text) else { throw ValidationError("\(flag): '\(text)' is not a date like 2026-11-23") }
        return d.timeIntervalSince1970
    }

    func validate() throws {
        if let from, let to, try Self.day(from, "--from") > Self.day(to, "--to") { throw ValidationError("--from is after --to") }
    }

    /// [start, end) in seconds since 1970.
    var range: (Double?, Double?) {
        get throws { (try from.map { try Self.day($0, "--from") }, try to.map { try Self.day($0, "--to") + 86_400 }) }
    }
}

struct PayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Pay per person: tasks, audio, active hours, earnings and the effective hourly rate against the project's floor.",
        discussion: """
            Earnings follow each person's own rate (chorus annotators add --rate) or the project's pay_model and pay_rate, per hour of active work, per minute of audio or per task. Active time is what the annotation loop measured: time on screen with keys or audio, gaps over a minute left out. The effective hourly rate is earnings over active hours; anyone below the project's pay_floor is flagged with the shortfall in money. Rejected work is paid unless pay_rejected_work is false and the person had been shown that before doing it. Money is decimal throughout and rounded once per person to the currency's minor unit, halves away from zero.

            Examples:
            $ chorus pay --project corpus
            $ chorus pay --from 2026-11-01 --to 2026-11-30 --csv > november.csv
            $ chorus pay --json | jq '.lines[] | select(.shortfall != null)'
            """)

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var period: PeriodOptions

    @Flag(help: "Print CSV (RFC 4180) with a header row.")
    var csv = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if csv && json { throw ValidationError("--csv and --json exclude each other") }
    }

    func run() throws {
        let project = try projectOptions.open()
        let (from, to) = try period.range
        let report = try project.store.payReport(config: project.config, from: from, to: to)
        if json {
            print(try encodeJSON(PayJSON(report)))
        } else if csv {
            print(Self.csv(report), terminator: "")
        } else {
            print(Self.table(report))
        }
    }

    static func money(_ x: Decimal?, _ r: PayReport) -> String { x.map { Money.format($0, places: r.places) } ?? "" }

    static func csv(_ r: PayReport) -> String {
        func field(_ s: String) -> String { s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var lines = ["annotator,model,rate,currency,tasks,paid_tasks,audio_minutes,active_hours,earnings,effective_hourly,floor,below_floor,shortfall,rejected,rejected_unpaid,appeals,appeals_overturned,distressing_seen,skips"]
        for l in r.lines {
            lines.append([field(l.annotator), l.model.rawValue, l.rate, r.currency, String(l.tasks), String(l.paidTasks),
                          Money.format(l.audioMinutes, places: 2), Money.format(l.activeHours, places: 3), money(l.earnings, r), money(l.effectiveHourly, r),
                          r.floor ?? "", l.belowFloor ? "true" : "false", money(l.shortfall, r), String(l.rejected), String(l.rejectedUnpaid),
                          String(l.appeals), String(l.appealsOverturned), String(l.distressingSeen), String(l.skips)].joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func table(_ r: PayReport) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var out = ["pay in \(r.currency)" + (r.from != nil || r.to != nil ? " from \(r.from ?? "the start") to \(r.to ?? "today")" : "")
                   + (r.floor.map { "; floor \($0) an hour" } ?? "; no floor set"), ""]
        out.append(pad("annotator", 12) + pad("pay", 18) + pad("tasks", 7) + pad("audio min", 10) + pad("active h", 9) + pad("earnings", 10)
                   + pad("per hour", 10) + pad("rejected", 9) + pad("appeals", 8) + "distressing")
        for l in r.lines {
            let pay = l.model == .none ? "not set" : "\(l.rate)/\(l.model.rawValue)"
            var row = pad(l.annotator, 12) + pad(pay, 18) + pad(String(l.tasks), 7) + pad(Money.format(l.audioMinutes, places: 1), 10)
                + pad(Money.format(l.activeHours, places: 2), 9) + pad(money(l.earnings, r), 10) + pad(money(l.effectiveHourly, r), 10)
                + pad(l.rejected == 0 ? "0" : "\(l.rejected)" + (l.rejectedUnpaid > 0 ? " (\(l.rejectedUnpaid) unpaid)" : ""), 9)
                + pad("\(l.appeals)" + (l.appealsOverturned > 0 ? " (\(l.appealsOverturned) won)" : ""), 8) + String(l.distressingSeen)
            if let s = l.shortfall { row += "   BELOW FLOOR by \(money(s, r)) \(r.currency)" }
            out.append(row)
        }
        out.append("")
        out.append("total \(money(r.totalEarnings, r)) \(r.currency) for \(Money.format(r.totalActiveHours, places: 2)) active hours; \(r.rounding).")
        let below = r.lines.filter(\.belowFloor)
        if !below.isEmpty {
            out.append("\(below.count) below the floor; shortfall \(money(below.reduce(0) { $0 + ($1.shortfall ?? 0) }, r)) \(r.currency) in all.")
        }
        return out.joined(separator: "\n")
    }
}

/// The pay report with amounts as decimal strings, so JSON readers never see binary floats.
struct PayJSON: Encodable {
    var currency: String, floor: String?, from: String?, to: String?, rounding: String
    var lines: [PayLine.Shown]
    var totalEarnings: String, totalActiveHours: String

    init(_ r: PayReport) {
        currency = r.currency
        floor = r.floor
        from = r.from
        to = r.to
        rounding = r.rounding
        lines = r.lines.map { PayLine.Shown($0, places: r.places) }
        totalEarnings = Money.format(r.totalEarnings, places: r.places)
        totalActiveHours = Money.format(r.totalActiveHours, places: 4)
    }
}

struct MeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "me",
        abstract: "Your own record: time, tasks, earnings, effective rate, agreement with settled texts, rejections and appeals.",
        discussion: """
            Shows one person their own work and nothing about anyone else: no ranking. Agreement is how close your texts are to the texts that settled (1 − CER after Chorus's comparison normalisation), as feedback.

            Examples:
            $ chorus me --as amina
            $ chorus me --as amina --from 2026-11-01 --json
            $ chorus me                      # on your own machine, after chorus login
            """)

    @Option(help: ArgumentHelp("Who you are (through a server, the login's).", valueName: "name"))
    var `as`: String?

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var period: PeriodOptions

    @Option(help: ArgumentHelp("Through chorus serve at this address, with the saved login (used without this option when --project is not a project folder).", valueName: "url"))
    var server: String?

    @Flag(help: "Print the record as JSON.")
    var json = false

    struct Record: Encodable {
        var pay: PayLine.Shown?
        var currency: String
        var floor: String?
        var agreement: Double?
        var agreementTexts: Int
        var rejections: [Rejection]
        var avoidsDistressing: Bool
        var credit: String?
    }

    func run() throws {
        if let login = try savedLogin(server: server, project: projectOptions.project) {
            try runRemote(login)
            return
        }
        guard let name = `as` else { throw CLIError("--as NAME: say whose record (yours)") }
        let project = try projectOptions.open()
        let (from, to) = try period.range
        let me = try project.store.annotator(named: name)
        let report = try project.store.payReport(config: project.config, from: from, to: to, only: me.name)
        let snapshot = try project.store.snapshot(config: project.config)
        let figure = AgreementFigures.compute(ValidationContext(snapshot)).annotators.first { $0.annotator == me.name }
        let record = Record(pay: PayJSON(report).lines.first, currency: report.currency, floor: report.floor, agreement: figure?.agreement,
                            agreementTexts: figure?.texts ?? 0, rejections: try project.store.rejections(of: me.name),
                            avoidsDistressing: me.avoidDistressing, credit: me.creditName)
        let period = report.from != nil || report.to != nil ? ", \(report.from ?? "the start") to \(report.to ?? "today")" : ""
        try show(record, name: me.name, period: period, remote: false)
    }

    /// The record through the server: pay, consent and rejections (agreement figures need the
    /// whole project and stay on its machine).
    private func runRemote(_ login: SavedLogin) throws {
        let backend = try remoteBackend(login)
        if period.to != nil { throw CLIError("--to: through a server, your record runs from --from (or the start) to now") }
        let me = try backend.me()
        let (from, _) = try period.range
        let line = try backend.pay(since: Date(timeIntervalSince1970: from ?? 0))
        let record = Record(pay: line.map { PayLine.Shown($0, places: Currency.minorUnits(backend.config.currency) ?? 2) },
                            currency: backend.config.currency, floor: nil, agreement: nil, agreementTexts: 0,
                            rejections: try backend.rejections(), avoidsDistressing: me.avoidDistressing, credit: me.creditName)
        try show(record, name: me.name, period: period.from.map { ", \($0) to today" } ?? "", remote: true)
    }

    private func show(_ record: Record, name: String, period: String, remote: Bool) throws {
        if json { print(try encodeJSON(record)); return }
        var out = ["\(name)" + period]
        if let p = record.pay {
            out.append("tasks        \(p.tasks) (\(p.paidTasks) paid)")
            out.append("audio        \(p.audioMinutes) minutes")
            out.append("active time  \(p.activeHours) hours")
            out.append("earnings     \(p.earnings) \(record.currency)" + (p.model == "none" ? " (no pay model set)" : " at \(p.rate)/\(p.model)"))
            if let e = p.effectiveHourly {
                out.append("per hour     \(e) \(record.currency)" + (record.floor.map { " (the project's floor is \($0))" } ?? ""))
            }
            if let s = p.shortfall { out.append("             below the floor by \(s) \(record.currency): the project owes you this") }
            if p.distressingSeen > 0 { out.append("distressing  \(p.distressingSeen) flagged segments worked on") }
        } else {
            out.append("no work in this period")
        }
        if let a = record.agreement {
            out.append(String(format: "agreement    %.3f with the settled texts over %d texts", a, record.agreementTexts))
        }
        out.append("credit       " + (record.credit.map { "named in corpora as \($0)" } ?? "not named in corpora (chorus annotators set \(name) --credit NAME to change)"))
        out.append("content      " + (record.avoidsDistressing ? "you are never handed segments flagged distressing" : "segments flagged distressing come with a warning; you may pass"))
        for r in record.rejections {
            out.append("")
            out.append("rejected: annotation \(r.annotationID) (segment \(r.segmentID)) by \(r.reviewer): \(r.reason)")
            out.append("  your text: \(r.text)")
            if let d = r.decision {
                out.append("  appeal \(d)" + (r.decisionReason.map { ": \($0)" } ?? ""))
            } else if r.appealID != nil {
                out.append("  appealed: waiting for a different reviewer")
            } else {
                out.append("  appeal once with: chorus annotations appeal \(r.annotationID)\(remote ? "" : " --as \(name)") --comment \"...\"")
            }
        }
        print(out.joined(separator: "\n"))
    }
}
