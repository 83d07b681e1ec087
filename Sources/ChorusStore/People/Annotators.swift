import Foundation

/// How a person is paid: per hour of active work, per minute of audio, per task, or not set.
public enum PayModel: String, Sendable, CaseIterable, Codable {
    case none, hour, audioMinute = "audio-minute", task
}

/// A person who does tasks.
public struct Annotator: Sendable, Equatable, Codable {
    public var id: Int64
    /// The name they sign in with (`--as NAME`); unique in the project.
    public var name: String
    /// Languages they work in.
    public var languages: [LanguageTag]
    public var payModel: PayModel
    /// The rate as a decimal string in the project's currency ("12.50"), when set.
    public var payRate: String?
    /// The name to credit them by in a corpus; nil when they asked to stay anonymous.
    public var creditName: String?
    /// Never hand them segments flagged distressing.
    public var avoidDistressing = false
    /// When they were shown the project's pay terms, seconds since 1970; nil: not yet.
    public var termsSeenAt: Double?

    public init(id: Int64, name: String, languages: [LanguageTag], payModel: PayModel = .none, payRate: String? = nil, creditName: String? = nil,
                avoidDistressing: Bool = false, termsSeenAt: Double? = nil) {
        self.id = id
        self.name = name
        self.languages = languages
        self.payModel = payModel
        self.payRate = payRate
        self.creditName = creditName
        self.avoidDistressing = avoidDistressing
        self.termsSeenAt = termsSeenAt
    }

    /// The `annotators` table's columns, named once.
    enum Columns: String, CaseIterable, TableColumns {
        static let table = "annotators"
        case id, name, languages, payModel = "pay_model", payRate = "pay_rate", creditName = "credit_name"
        case avoidDistressing = "avoid_distressing", termsSeenAt = "terms_seen_at", addedAt = "added_at"
    }

}

extension Annotator {
    /// Reads a row of `annotators`.
    /// - Throws: ``ProjectError`` `.store` for a missing or mistyped column, or a pay model this chorus does not know.
    init(row: SQLRow) throws {
        id = try row.int(Columns.id)
        name = try row.string(Columns.name)
        languages = try row.string(Columns.languages).split(separator: ",").compactMap { try? LanguageTag(String($0)) }
        let model = try row.string(Columns.payModel)
        guard let known = PayModel(rawValue: model) else {
            throw ProjectError(code: .store, message: "annotator \(name) has the pay model '\(model)', which this chorus does not know")
        }
        payModel = known
        payRate = try row.optionalString(Columns.payRate)
        creditName = try row.optionalString(Columns.creditName)
        avoidDistressing = try row.int(Columns.avoidDistressing) != 0
        termsSeenAt = try row.optionalDouble(Columns.termsSeenAt)
    }
}

extension ProjectStore {
    /// Adds an annotator.
    /// - Parameter rate: "12.50/hour", "0.40/audio-minute" or "0.10/task", or nil.
    /// - Throws: ``ProjectError`` `.invalidInput` for a bad rate or a name taken already.
    @discardableResult
    public func addAnnotator(name: String, languages: [LanguageTag], rate: String?, creditName: String?) throws -> Annotator {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isNewline }) else {
            throw ProjectError(code: .invalidInput, message: "an annotator needs a name")
        }
        guard !languages.isEmpty else { throw ProjectError(code: .invalidInput, message: "\(trimmed) needs at least one language") }
        let parsed = try rate.map(Self.parseRate)
        let model = parsed?.model ?? .none, amount = parsed?.amount
        return try database.write { c in
            if try !c.query("SELECT id FROM annotators WHERE name = ?", [.text(trimmed)]).isEmpty {
                throw ProjectError(code: .invalidInput, message: "there is already an annotator named \(trimmed)")
            }
            try c.insert(into: Annotator.Columns.self, [
                .name: .text(trimmed), .languages: .text(languages.map(\.value).joined(separator: ",")), .payModel: .text(model.rawValue),
                .payRate: .optional(amount), .creditName: .optional(creditName), .addedAt: .text(Timestamp.now()),
            ])
            return Annotator(id: try c.lastInsertedID(), name: trimmed, languages: languages, payModel: model, payRate: amount, creditName: creditName)
        }
    }

    /// "12.50/hour", "0.40/audio-minute" or "0.10/task" as a model and a decimal amount.
    /// - Throws: ``ProjectError`` `.invalidInput` saying what a rate looks like.
    static func parseRate(_ rate: String) throws -> (model: PayModel, amount: String) {
        let parts = rate.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let m = PayModel(rawValue: parts[1]), m != .none, Money.parse(parts[0]) != nil else {
            throw ProjectError(code: .invalidInput, message: "rate '\(rate)' must look like 12.50/hour, 0.40/audio-minute or 0.10/task")
        }
        return (m, parts[0])
    }

    /// Every annotator, by name.
    public func annotators() throws -> [Annotator] {
        try database.read { c in try c.query("SELECT * FROM annotators ORDER BY name").map(Self.annotator) }
    }

    /// The annotator called `name`.
    /// - Throws: ``ProjectError`` `.notFound`, saying how to add them.
    public func annotator(named name: String) throws -> Annotator {
        try database.read { c in try Self.annotator(named: name, c) }
    }

    static func annotator(named name: String, _ c: SQLConnection) throws -> Annotator {
        guard let row = try c.query("SELECT * FROM annotators WHERE name = ?", [.text(name)]).first else {
            throw ProjectError(code: .notFound, message: "no annotator named \(name); add them with `chorus annotators add \(name) --languages LANG`")
        }
        return try annotator(row)
    }

    static func annotator(_ row: SQLRow) throws -> Annotator { try Annotator(row: row) }
}
