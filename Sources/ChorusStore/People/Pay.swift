import Foundation

/// Money in decimal: amounts are parsed from their written form, computed in `Decimal`
/// (base 10, 38 digits) and never pass through binary floating point.
public enum Money {
    /// A non-negative decimal amount as written ("12.50", "0.4", "15"); nil otherwise.
    public static func parse(_ text: String) -> Decimal? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard !t.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              !(parts.first ?? "").isEmpty else { return nil }
        return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Rounds to `places` decimals, halves away from zero (0.125 → 0.13).
    public static func round(_ x: Decimal, places: Int) -> Decimal {
        var value = x, result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }

    /// Fixed `places` decimals ("12.50", "1300"), locale-independent.
    public static func format(_ x: Decimal, places: Int) -> String {
        let r = round(x, places: places)
        let negative = r < 0
        let scaled = (negative ? -r : r) * pow(10, places)
        var digits = NSDecimalNumber(decimal: Money.round(scaled, places: 0)).stringValue
        if places > 0 {
            while digits.count <= places { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return (negative ? "-" : "") + digits
    }

    /// Seconds as a decimal with millisecond precision (how the store measures time).
    public static func seconds(_ s: Double) -> Decimal {
        Decimal(Int64((s * 1000).rounded())) / 1000
    }
}

/// ISO 4217 currencies: codes from Debian's iso-codes, minor units from the standard.
public enum Currency {
    private static let zero: Set<String> = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]
    private static let three: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
    private static let registry = LanguageRegistry.load()

    /// Decimals of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD); nil for a code
    /// that is not ISO 4217.
    public static func minorUnits(_ code: String) -> Int? {
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        if let registry, !registry.isCurrency(code) { return nil }
        return zero.contains(code) ? 0 : three.contains(code) ? 3 : 2
    }
}

/// One person's pay over a period, computed from the store.
public struct PayLine: Sendable, Codable, Equatable {
    public var annotator: String
    /// The model and rate that applied: their own, or the project's.
    public var model: PayModel
    public var rate: String
    /// Tasks submitted (transcripts, translations, reviews), and how many of them were paid.
    public var tasks: Int
    public var paidTasks: Int
    /// Audio under those tasks, minutes.
    public var audioMinutes: Decimal
    /// Active working time, hours (the loop's measure; imported work carries its own).
    public var activeHours: Decimal
    /// Earnings, rounded to the currency's minor unit.
    public var earnings: Decimal
    /// Earnings (as paid, rounded) over active hours, rounded to the minor unit; nil without active time.
    public var effectiveHourly: Decimal?
    /// How far below the floor: floor × active hours − earnings, when positive.
    public var shortfall: Decimal?
    public var rejected: Int
    public var rejectedUnpaid: Int
    public var appeals: Int
    public var appealsOverturned: Int
    /// Segments flagged distressing this person went on to work on.
    public var distressingSeen: Int
    public var skips: Int

    public var belowFloor: Bool { shortfall != nil }
}

/// The pay report: every person with work in the period.
public struct PayReport: Sendable, Codable, Equatable {
    public var currency: String
    public var places: Int
    public var floor: String?
    public var from: String?
    public var to: String?
    public var lines: [PayLine]
    public var totalEarnings: Decimal
    public var totalActiveHours: Decimal
    public var rounding: String { "amounts are computed in decimal and rounded once per person to \(places) decimal\(places == 1 ? "" : "s") of \(currency), halves away from zero" }
}

/// What pay is computed from, for one person over a period: read from the store by
/// ``ProjectStore/payReport(config:from:to:only:)``, or built by hand in tests.
public struct PayInput: Sendable, Equatable {
    /// One submitted text.
    public struct Work: Sendable, Equatable {
        /// Active seconds reported (nil when not known).
        public var activeSeconds: Double?
        /// The segment's audio, seconds.
        public var audioSeconds: Double
        /// Seconds since 1970.
        public var submittedAt: Double
        public var rejected: Bool
        public var appealed: Bool
        /// The rejection was overturned on appeal.
        public var overturned: Bool

        public init(activeSeconds: Double?, audioSeconds: Double, submittedAt: Double, rejected: Bool = false, appealed: Bool = false, overturned: Bool = false) {
            self.activeSeconds = activeSeconds
            self.audioSeconds = audioSeconds
            self.submittedAt = submittedAt
            self.rejected = rejected
            self.appealed = appealed
            self.overturned = overturned
        }
    }

    public var annotator: Annotator
    public var work: [Work]
    public var skips: Int
    /// Active seconds spent on tasks before skipping them (work, too).
    public var skipSeconds: Double
    /// Segments flagged distressing the person went on to work on.
    public var distressingSeen: Int

    public init(annotator: Annotator, work: [Work], skips: Int = 0, skipSeconds: Double = 0, distressingSeen: Int = 0) {
        self.annotator = annotator
        self.work = work
        self.skips = skips
        self.skipSeconds = skipSeconds
        self.distressingSeen = distressingSeen
    }
}

/// Pay as a pure function of the work and the project's terms.
public enum PayCalculator {
    /// One person's pay line, or nil when they have no work, skip or exposure in the period.
    public static func line(_ input: PayInput, config: ProjectConfig) -> PayLine? {
        guard !input.work.isEmpty || input.skips > 0 || input.distressingSeen > 0 else { return nil }
        let places = Currency.minorUnits(config.currency) ?? 2
        let person = input.annotator
        let own = person.payModel != .none && person.payRate != nil
        let model = own ? person.payModel : config.payModel
        let rateText = own ? person.payRate ?? "" : config.payRate
        let rate = Money.parse(rateText) ?? 0
        var line = PayLine(annotator: person.name, model: model, rate: rateText, tasks: input.work.count, paidTasks: 0, audioMinutes: 0,
                           activeHours: 0, earnings: 0, effectiveHourly: nil, shortfall: nil, rejected: 0, rejectedUnpaid: 0,
                           appeals: 0, appealsOverturned: 0, distressingSeen: input.distressingSeen, skips: input.skips)
        // Time spent before skipping is work: it counts in active hours and, per hour, is paid.
        // (Each skip's time is capped at a day where it is read; their sum is not.)
        let skipSeconds = Money.seconds(input.skipSeconds.isFinite ? max(0, input.skipSeconds) : 0)
        var paidSeconds = skipSeconds, paidAudio = Decimal(0), allSeconds = skipSeconds, allAudio = Decimal(0)
        for w in input.work {
            let active = Money.seconds(ActiveTime.clamped(w.activeSeconds ?? 0))
            let audio = Money.seconds(w.audioSeconds)
            allSeconds += active
            allAudio += audio
            if w.appealed { line.appeals += 1 }
            if w.overturned { line.appealsOverturned += 1 }
            let rejected = w.rejected && !w.overturned
            if rejected { line.rejected += 1 }
            // Work done in good faith is paid even when rejected, unless the project says
            // otherwise and the person had been shown that before they did it.
            let told = person.termsSeenAt.map { $0 <= w.submittedAt } ?? false
            if rejected && !config.payRejectedWork && told {
                line.rejectedUnpaid += 1
                continue
            }
            line.paidTasks += 1
            paidSeconds += active
            paidAudio += audio
        }
        line.activeHours = allSeconds / 3600
        line.audioMinutes = allAudio / 60
        let exact: Decimal
        switch model {
        case .hour: exact = rate * paidSeconds / 3600
        case .audioMinute: exact = rate * paidAudio / 60
        case .task: exact = rate * Decimal(line.paidTasks)
        case .none: exact = 0
        }
        line.earnings = Money.round(exact, places: places)
        // Against the money actually paid (rounded), over all the time worked.
        if allSeconds > 0 {
            line.effectiveHourly = Money.round(line.earnings * 3600 / allSeconds, places: places)
            // Whatever the model: a person paid nothing for their time is below any floor.
            if let floor = Money.parse(config.payFloor) {
                let owed = Money.round(floor * allSeconds / 3600 - line.earnings, places: places)
                if owed > 0 { line.shortfall = owed }
            }
        }
        return line
    }
}

extension ProjectStore {
    /// Pay for work submitted in `[from, to)` (seconds since 1970; nil: unbounded): what each
    /// person did, read in one transaction, through ``PayCalculator``.
    public func payReport(config: ProjectConfig, from: Double? = nil, to: Double? = nil, only name: String? = nil) throws -> PayReport {
        let places = Currency.minorUnits(config.currency) ?? 2
        let inputs: [PayInput] = try database.read { c in
            var inputs: [PayInput] = []
            let people = try c.query("SELECT * FROM annotators ORDER BY name").filter { try name == nil || $0.string(Annotator.Columns.name) == name }
            for row in people {
                let person = try Self.annotator(row)
                var range = ""
                var values: [SQLValue] = [.integer(person.id)]
                if let from { range += " AND a.submitted_at >= ?"; values.append(.real(from)) }
                if let to { range += " AND a.submitted_at < ?"; values.append(.real(to)) }
                let work = try c.query(
                    """
                    SELECT a.id, a.active_seconds, a.submitted_at, s."end" - s.start AS seconds,
                           r.id AS rejection, p.id AS appeal, p.decision
                    FROM annotations a JOIN segments s ON s.id = a.segment_id
                    LEFT JOIN rejections r ON r.annotation_id = a.id LEFT JOIN appeals p ON p.rejection_id = r.id
                    WHERE a.annotator_id = ?\(range) ORDER BY a.id
                    """, values
                ).map(PayInput.Work.init(row:))
                var skipRange = "", exposureRange = ""
                var skipValues: [SQLValue] = [.integer(person.id)]
                if let from { skipRange += " AND skipped_at >= ?"; exposureRange += " AND seen_at >= ?"; skipValues.append(.real(from)) }
                if let to { skipRange += " AND skipped_at < ?"; exposureRange += " AND seen_at < ?"; skipValues.append(.real(to)) }
                let skipRow = try c.query(
                    "SELECT COUNT(*) AS n, SUM(CASE WHEN active_seconds > 0 THEN \(database.dialect.least("active_seconds", "?")) ELSE 0 END) AS s FROM skips WHERE annotator_id = ?\(skipRange)",
                    [.real(ActiveTime.maxPerTask)] + skipValues).first
                let seen = Int(try c.query("SELECT COUNT(*) AS n FROM exposures WHERE annotator_id = ?\(exposureRange)", skipValues).first?.int(Computed.n) ?? 0)
                inputs.append(PayInput(annotator: person, work: work, skips: Int(try skipRow?.int(Computed.n) ?? 0),
                                       skipSeconds: try skipRow?.optionalDouble(Computed.s) ?? 0, distressingSeen: seen))
            }
            return inputs
        }
        let lines = inputs.compactMap { PayCalculator.line($0, config: config) }
        func day(_ t: Double?) -> String? { t.map { String(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)).prefix(10)) } }
        return PayReport(currency: config.currency, places: places, floor: config.payFloor.isEmpty ? nil : config.payFloor,
                         from: day(from), to: day(to.map { $0 - 1 }), lines: lines,
                         totalEarnings: lines.reduce(0) { $0 + $1.earnings }, totalActiveHours: lines.reduce(0) { $0 + $1.activeHours })
    }
}

extension PayInput.Work {
    /// The columns of the pay report's read of a person's annotations.
    enum Columns: String { case activeSeconds = "active_seconds", seconds, submittedAt = "submitted_at", rejection, appeal, decision }

    init(row: SQLRow) throws {
        self.init(activeSeconds: try row.optionalDouble(Columns.activeSeconds), audioSeconds: try row.double(Columns.seconds),
                  submittedAt: try row.double(Columns.submittedAt), rejected: try row.optionalInt(Columns.rejection) != nil,
                  appealed: try row.optionalInt(Columns.appeal) != nil, overturned: try row.optionalString(Columns.decision) == "overturned")
    }
}

extension PayLine {
    /// A pay line as people and scripts read it (`chorus pay --json`, `chorus me`, the
    /// server's `/v1/me`): amounts and hours as decimal strings, never binary floats.
    public struct Shown: Codable, Sendable {
        public var annotator: String, model: String, rate: String, tasks: Int, paidTasks: Int
        public var audioMinutes: String, activeHours: String, earnings: String, effectiveHourly: String?
        public var belowFloor: Bool, shortfall: String?
        public var rejected: Int, rejectedUnpaid: Int, appeals: Int, appealsOverturned: Int, distressingSeen: Int, skips: Int

        enum CodingKeys: String, CodingKey {
            case annotator, model, rate, tasks, paidTasks = "paid_tasks", audioMinutes = "audio_minutes", activeHours = "active_hours", earnings
            case effectiveHourly = "effective_hourly", belowFloor = "below_floor", shortfall, rejected, rejectedUnpaid = "rejected_unpaid", appeals
            case appealsOverturned = "appeals_overturned", distressingSeen = "distressing_seen", skips
        }

        /// The line back from its shown form (a server's answer); amounts read as decimals.
        public var line: PayLine {
            PayLine(annotator: annotator, model: PayModel(rawValue: model) ?? .none, rate: rate, tasks: tasks, paidTasks: paidTasks,
                    audioMinutes: Decimal(string: audioMinutes) ?? 0, activeHours: Decimal(string: activeHours) ?? 0,
                    earnings: Decimal(string: earnings) ?? 0, effectiveHourly: effectiveHourly.flatMap { Decimal(string: $0) },
                    shortfall: shortfall.flatMap { Decimal(string: $0) }, rejected: rejected, rejectedUnpaid: rejectedUnpaid, appeals: appeals,
                    appealsOverturned: appealsOverturned, distressingSeen: distressingSeen, skips: skips)
        }

        /// - Parameter places: the currency's minor units.
        public init(_ l: PayLine, places: Int) {
            annotator = l.annotator
            model = l.model.rawValue
            rate = l.rate
            tasks = l.tasks
            paidTasks = l.paidTasks
            audioMinutes = Money.format(l.audioMinutes, places: 3)
            activeHours = Money.format(l.activeHours, places: 4)
            earnings = Money.format(l.earnings, places: places)
            effectiveHourly = l.effectiveHourly.map { Money.format($0, places: places) }
            belowFloor = l.belowFloor
            shortfall = l.shortfall.map { Money.format($0, places: places) }
            rejected = l.rejected
            rejectedUnpaid = l.rejectedUnpaid
            appeals = l.appeals
            appealsOverturned = l.appealsOverturned
            distressingSeen = l.distressingSeen
            skips = l.skips
        }
    }
}
