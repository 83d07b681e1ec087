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
            try c.execute(
                "INSERT INTO annotators (name, languages, pay_model, pay_rate, credit_name, added_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(trimmed), .text(languages.map(\.value).joined(separator: ",")), .text(model.rawValue),
                 amount.map(SQLValue.text) ?? .null, creditName.map(SQLValue.text) ?? .null, .text(Timestamp.now())])
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
        return annotator(row)
    }

    static func annotator(_ row: SQLRow) -> Annotator {
        Annotator(
            id: row["id"].int ?? 0, name: row["name"].string ?? "",
            languages: (row["languages"].string ?? "").split(separator: ",").compactMap { try? LanguageTag(String($0)) },
            payModel: PayModel(rawValue: row["pay_model"].string ?? "") ?? .none, payRate: row["pay_rate"].string,
            creditName: row["credit_name"].string, avoidDistressing: (row["avoid_distressing"].int ?? 0) != 0,
            termsSeenAt: row["terms_seen_at"].double)
    }
}
