import Foundation

/// Limits that protect a person, worked out for one claim.
struct WellbeingLimits {
    /// Why no task is handed out (the daily cap is reached), or nil.
    var capReached: String?
    /// Hand out no segment flagged distressing: they opted out, or saw their day's share.
    var avoidFlagged: Bool
}

extension WorkQueue {
    /// The start of the UTC day `now` falls in, seconds since 1970.
    static func dayStart(_ now: Date) -> Double {
        let t = now.timeIntervalSince1970
        return t - t.truncatingRemainder(dividingBy: 86_400)
    }

    func wellbeing(_ me: Annotator, now: Date, _ c: SQLConnection) throws -> WellbeingLimits {
        let today = Self.dayStart(now)
        var limits = WellbeingLimits(capReached: nil, avoidFlagged: me.avoidDistressing)
        if config.distressingPerDay > 0 && !limits.avoidFlagged {
            let seen = try c.query("SELECT COUNT(*) AS n FROM exposures WHERE annotator_id = ? AND seen_at >= ?", [.integer(me.id), .real(today)]).first?.int(Computed.n) ?? 0
            limits.avoidFlagged = seen >= config.distressingPerDay
        }
        if config.dailyCapHours > 0 {
            let submitted = try c.query("SELECT SUM(active_seconds) AS s FROM annotations WHERE annotator_id = ? AND submitted_at >= ?",
                                        [.integer(me.id), .real(today)]).first?.optionalDouble(Computed.s) ?? 0
            let skipped = try c.query("SELECT SUM(active_seconds) AS s FROM skips WHERE annotator_id = ? AND skipped_at >= ?",
                                      [.integer(me.id), .real(today)]).first?.optionalDouble(Computed.s) ?? 0
            let worked = submitted + skipped
            if worked >= config.dailyCapHours * 3600 {
                limits.capReached = String(format: "%@ has worked %.1f hours today, the project's daily cap of %g: no more tasks until tomorrow (UTC)",
                                           me.name, worked / 3600, config.dailyCapHours)
            }
        }
        return limits
    }

    func recordExposure(_ annotator: Int64, segment: Int64, at t: Double, onlyIfFlagged: Bool, _ c: SQLConnection) throws {
        if onlyIfFlagged {
            let flagged = try c.query("SELECT content_warning FROM segments WHERE id = ?", [.integer(segment)]).first?.bool(Table.Segments.contentWarning) ?? false
            guard flagged else { return }
        }
        try c.insert(into: Table.Exposures.self, [.annotatorID: .integer(annotator), .segmentID: .integer(segment), .seenAt: .real(t)],
                     suffix: "ON CONFLICT DO NOTHING")
    }

    /// The person chose to listen to a segment flagged distressing: counted in their exposure.
    public func sawFlaggedContent(task: Int64, as name: String, now: Date = Date()) throws {
        try database.write { c in
            let me = try ProjectStore.annotator(named: name, c)
            let row = try taskRow(task, c)
            try recordExposure(me.id, segment: row.segmentID, at: now.timeIntervalSince1970, onlyIfFlagged: true, c)
        }
    }

    /// The person was shown the project's pay terms (the loop shows them on first start).
    public func acknowledgeTerms(as name: String, now: Date = Date()) throws {
        try database.write { c in
            let me = try ProjectStore.annotator(named: name, c)
            try c.execute("UPDATE annotators SET terms_seen_at = ? WHERE id = ? AND terms_seen_at IS NULL", [.real(now.timeIntervalSince1970), .integer(me.id)])
        }
    }

    /// The project's pay terms as a person should read them before they start.
    public func terms(for name: String) throws -> String {
        let me = try database.read { c in try ProjectStore.annotator(named: name, c) }
        let own = me.payModel != .none && me.payRate != nil
        let model = own ? me.payModel : config.payModel
        let rate = own ? me.payRate ?? "" : config.payRate
        var lines: [String] = []
        switch model {
        case .none: lines.append("Pay: not set in this project.")
        case .hour: lines.append("Pay: \(rate) \(config.currency) an hour of active work (time with keys or audio; gaps over a minute are not counted).")
        case .audioMinute: lines.append("Pay: \(rate) \(config.currency) a minute of audio.")
        case .task: lines.append("Pay: \(rate) \(config.currency) a task.")
        }
        if !config.payFloor.isEmpty { lines.append("Floor: at least \(config.payFloor) \(config.currency) an hour; if your effective rate falls below it, the pay report shows the shortfall.") }
        lines.append(config.payRejectedWork
            ? "Rejected work is paid: a reviewer's rejection comes with a reason, and you may appeal it once."
            : "Rejected work is NOT paid in this project (from now on). A rejection comes with a reason, and you may appeal it once; work cleared on appeal is paid.")
        lines.append("You may skip any segment without penalty; segments flagged distressing come with a warning" + (config.distressingPerDay > 0 ? ", at most \(config.distressingPerDay) a day." : "."))
        return lines.joined(separator: "\n")
    }
}

/// A reviewer's rejection of someone's text, and its appeal.
public struct Rejection: Sendable, Codable, Equatable {
    public init(id: Int64, annotationID: Int64, segmentID: Int64, text: String, reviewer: String, reason: String, appealID: Int64? = nil,
                appealComment: String? = nil, decision: String? = nil, decisionReason: String? = nil) {
        self.id = id
        self.annotationID = annotationID
        self.segmentID = segmentID
        self.text = text
        self.reviewer = reviewer
        self.reason = reason
        self.appealID = appealID
        self.appealComment = appealComment
        self.decision = decision
        self.decisionReason = decisionReason
    }

    public var id: Int64
    public var annotationID: Int64
    public var segmentID: Int64
    public var text: String
    public var reviewer: String
    public var reason: String
    public var appealID: Int64?
    public var appealComment: String?
    /// upheld or overturned, once decided.
    public var decision: String?
    public var decisionReason: String?
}

/// An appeal waiting for a decision.
public struct OpenAppeal: Sendable, Codable, Equatable {
    public var id: Int64
    public var annotationID: Int64
    public var author: String
    public var text: String
    public var rejectedBy: String
    public var reason: String
    public var comment: String
}

extension ProjectStore {
    /// Changes a person's settings; nil leaves a setting as it is.
    /// - Parameter creditName: `.some(nil)` withdraws consent to be credited.
    public func updateAnnotator(name: String, rate: String? = nil, creditName: String?? = nil, avoidDistressing: Bool? = nil) throws -> Annotator {
        let parsed = try rate.map(Self.parseRate)
        return try database.write { c in
            let me = try Self.annotator(named: name, c)
            if let (model, amount) = parsed {
                try c.execute("UPDATE annotators SET pay_model = ?, pay_rate = ? WHERE id = ?", [.text(model.rawValue), .text(amount), .integer(me.id)])
            }
            if let creditName {
                try c.execute("UPDATE annotators SET credit_name = ? WHERE id = ?", [creditName.map(SQLValue.text) ?? .null, .integer(me.id)])
            }
            if let avoidDistressing {
                try c.execute("UPDATE annotators SET avoid_distressing = ? WHERE id = ?", [.integer(avoidDistressing ? 1 : 0), .integer(me.id)])
            }
            return try Self.annotator(named: name, c)
        }
    }

    /// A reviewer rejects someone else's text, with a reason the author will see.
    @discardableResult
    public func reject(annotation: Int64, as reviewer: String, reason: String, now: Date = Date()) throws -> Int64 {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw ProjectError(code: .invalidInput, message: "a rejection needs a reason the person will see (--reason)") }
        return try database.write { c in
            let me = try Self.annotator(named: reviewer, c)
            guard let row = try c.query("SELECT annotator_id FROM annotations WHERE id = ?", [.integer(annotation)]).first else {
                throw ProjectError(code: .notFound, message: "no annotation \(annotation)")
            }
            guard try row.int(Table.Annotations.annotatorID) != me.id else { throw ProjectError(code: .invalidInput, message: "\(reviewer) cannot reject their own text") }
            guard try c.query("SELECT id FROM rejections WHERE annotation_id = ?", [.integer(annotation)]).isEmpty else {
                throw ProjectError(code: .invalidInput, message: "annotation \(annotation) is already rejected")
            }
            try c.insert(into: Table.Rejections.self, [.annotationID: .integer(annotation), .reviewerID: .integer(me.id), .reason: .text(why),
                                                      .rejectedAt: .real(now.timeIntervalSince1970)])
            return try c.lastInsertedID()
        }
    }

    /// The author appeals a rejection of their text, once, with a comment.
    @discardableResult
    public func appeal(annotation: Int64, as name: String, comment: String, now: Date = Date()) throws -> Int64 {
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ProjectError(code: .invalidInput, message: "an appeal needs a comment (--comment)") }
        return try database.write { c in
            let me = try Self.annotator(named: name, c)
            guard let row = try c.query(
                "SELECT r.id, a.annotator_id FROM rejections r JOIN annotations a ON a.id = r.annotation_id WHERE r.annotation_id = ?",
                [.integer(annotation)]).first else {
                throw ProjectError(code: .notFound, message: "annotation \(annotation) has no rejection to appeal")
            }
            let rejection = try row.int(Table.Rejections.id)
            guard try row.int(Table.Annotations.annotatorID) == me.id else { throw ProjectError(code: .notYours, message: "annotation \(annotation) is not \(name)'s to appeal") }
            guard try c.query("SELECT id FROM appeals WHERE rejection_id = ?", [.integer(rejection)]).isEmpty else {
                throw ProjectError(code: .invalidInput, message: "the rejection of annotation \(annotation) was appealed already (an appeal is once)")
            }
            try c.insert(into: Table.Appeals.self, [.rejectionID: .integer(rejection), .comment: .text(text), .appealedAt: .real(now.timeIntervalSince1970)])
            return try c.lastInsertedID()
        }
    }

    /// Open appeals `reviewer` may decide: never their own text, never one they rejected.
    public func openAppeals(for reviewer: String) throws -> [OpenAppeal] {
        try database.read { c in
            let me = try Self.annotator(named: reviewer, c)
            return try c.query(
                """
                SELECT p.id, a.id AS annotation, au.name AS author, a.text, rv.name AS reviewer, r.reason, p.comment
                FROM appeals p JOIN rejections r ON r.id = p.rejection_id JOIN annotations a ON a.id = r.annotation_id
                JOIN annotators au ON au.id = a.annotator_id JOIN annotators rv ON rv.id = r.reviewer_id
                WHERE p.decision IS NULL AND a.annotator_id <> ? AND r.reviewer_id <> ? ORDER BY p.id
                """, [.integer(me.id), .integer(me.id)]
            ).map(OpenAppeal.init(row:))
        }
    }

    /// A different reviewer decides an appeal: upheld (the rejection stands) or overturned.
    public func decide(appeal: Int64, as reviewer: String, overturn: Bool, reason: String, now: Date = Date()) throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw ProjectError(code: .invalidInput, message: "a decision needs a reason the person will see (--reason)") }
        try database.write { c in
            let me = try Self.annotator(named: reviewer, c)
            guard let row = try c.query(
                """
                SELECT p.decision, a.annotator_id, r.reviewer_id FROM appeals p JOIN rejections r ON r.id = p.rejection_id
                JOIN annotations a ON a.id = r.annotation_id WHERE p.id = ?
                """, [.integer(appeal)]).first else { throw ProjectError(code: .notFound, message: "no appeal \(appeal)") }
            guard try row.optionalString(Table.Appeals.decision) == nil else { throw ProjectError(code: .invalidInput, message: "appeal \(appeal) is decided already") }
            guard try row.int(Table.Annotations.annotatorID) != me.id, try row.int(Table.Rejections.reviewerID) != me.id else {
                throw ProjectError(code: .notYours, message: "appeal \(appeal) goes to a different reviewer: not its author, not who rejected it")
            }
            try c.execute("UPDATE appeals SET reviewer_id = ?, decision = ?, decision_reason = ?, decided_at = ? WHERE id = ?",
                          [.integer(me.id), .text(overturn ? "overturned" : "upheld"), .text(why), .real(now.timeIntervalSince1970), .integer(appeal)])
        }
    }

    /// Rejections of `name`'s texts, with their appeals.
    public func rejections(of name: String) throws -> [Rejection] {
        try database.read { c in
            let me = try Self.annotator(named: name, c)
            return try c.query(
                """
                SELECT r.id, a.id AS annotation, a.segment_id, a.text, rv.name AS reviewer, r.reason, p.id AS appeal, p.comment, p.decision, p.decision_reason
                FROM rejections r JOIN annotations a ON a.id = r.annotation_id JOIN annotators rv ON rv.id = r.reviewer_id
                LEFT JOIN appeals p ON p.rejection_id = r.id WHERE a.annotator_id = ? ORDER BY r.id
                """, [.integer(me.id)]
            ).map(Rejection.init(row:))
        }
    }
}

// The rejection and appeal reads, their columns named once and read by typed reads.

extension Rejection {
    enum Columns: String {
        case id, annotation, segmentID = "segment_id", text, reviewer, reason, appeal, comment, decision, decisionReason = "decision_reason"
    }

    init(row: SQLRow) throws {
        self.init(
            id: try row.int(Columns.id), annotationID: try row.int(Columns.annotation), segmentID: try row.int(Columns.segmentID),
            text: try row.string(Columns.text), reviewer: try row.string(Columns.reviewer), reason: try row.string(Columns.reason),
            appealID: try row.optionalInt(Columns.appeal), appealComment: try row.optionalString(Columns.comment),
            decision: try row.optionalString(Columns.decision), decisionReason: try row.optionalString(Columns.decisionReason))
    }
}

extension OpenAppeal {
    enum Columns: String { case id, annotation, author, text, reviewer, reason, comment }

    init(row: SQLRow) throws {
        self.init(
            id: try row.int(Columns.id), annotationID: try row.int(Columns.annotation), author: try row.string(Columns.author),
            text: try row.string(Columns.text), rejectedBy: try row.string(Columns.reviewer), reason: try row.string(Columns.reason),
            comment: try row.string(Columns.comment))
    }
}
