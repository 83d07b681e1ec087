import ChorusSupport
import Foundation

/// A one-time code that lets a person get a token for `chorus serve`, shown once to the
/// owner; the store keeps only its SHA-256.
public struct Invite: Sendable, Equatable, Codable {
    public var annotator: String
    public var code: String
    /// When the code stops working, seconds since 1970.
    public var expiresAt: Double

    enum CodingKeys: String, CodingKey { case annotator, code, expiresAt = "expires_at" }
}

/// A token a person holds, as the owner sees it (never the token itself).
public struct TokenSession: Sendable, Equatable, Codable {
    public var annotator: String
    public var createdAt: Double
    /// Where the code was exchanged from, as the server saw it.
    public var createdFrom: String?
    public var lastUsedAt: Double?
    public var lastUsedFrom: String?
    public var revokedAt: Double?

    enum CodingKeys: String, CodingKey {
        case annotator, createdAt = "created_at", createdFrom = "created_from", lastUsedAt = "last_used_at"
        case lastUsedFrom = "last_used_from", revokedAt = "revoked_at"
    }
}

/// One line of the audit log: who did what, when, from where, to which task.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var at: Double
    /// An annotator's name, or `owner` for a command run on the project's machine.
    public var actor: String
    public var action: String
    public var taskID: Int64?
    public var remote: String?
    public var detail: String?

    enum CodingKeys: String, CodingKey { case at, actor, action, taskID = "task_id", remote, detail }
}

/// The token's own id beside the annotator's columns in the authentication read.
private enum TokenColumns: String { case tokenID = "token_id" }

/// The owner's name in the audit log for commands run on the project's machine.
public let ownerActor = "owner"

extension ProjectStore {
    /// How long an invite code works by default, seconds.
    public static let inviteLifetime = 86_400.0
    /// A token's secret: 32 random bytes (256 bits).
    static let tokenBytes = 32
    /// Tokens are recorded as used at most this often (a write a minute, not one a request).
    static let usageResolution = 60.0

    /// Makes a one-time code for `name` (who must be an annotator); an earlier unused code of
    /// theirs stops working. Audited as an owner action.
    public func invite(_ name: String, validFor seconds: Double = ProjectStore.inviteLifetime, now: Date = Date()) throws -> Invite {
        guard seconds.isFinite, seconds > 0, seconds <= 30 * 86_400 else {
            throw ProjectError(code: .invalidInput, message: "an invite works for between a moment and 30 days")
        }
        let code = Digest.randomCode(groups: 4)
        let t = now.timeIntervalSince1970
        try database.write { c in
            let person = try Self.annotator(named: name, c)
            try c.execute("UPDATE invites SET expires_at = ? WHERE annotator_id = ? AND used_at IS NULL AND expires_at > ?",
                          [.real(t), .integer(person.id), .real(t)])
            try c.insert(into: Table.Invites.self, [
                .annotatorID: .integer(person.id), .codeSHA256: .text(Digest.sha256(text: code)), .createdAt: .real(t), .expiresAt: .real(t + seconds),
            ])
            try Self.audit(actor: ownerActor, action: "invite", detail: name, at: t, c)
        }
        return Invite(annotator: name, code: code, expiresAt: t + seconds)
    }

    /// Exchanges an invite code for a token, once. The code is typed by a person: case, spaces
    /// and look-alike letters are forgiven.
    /// - Returns: the token (shown this once; the store keeps its SHA-256) and whose it is.
    /// - Throws: ``ProjectError`` `.unauthorized`, the same for a wrong, used or expired code.
    public func exchange(code: String, from remote: String?, now: Date = Date()) throws -> (token: String, annotator: String) {
        let t = now.timeIntervalSince1970
        let hash = Digest.sha256(text: Digest.normaliseCode(code))
        let token = "chorus_" + Digest.randomToken(bytes: Self.tokenBytes)
        let name: String = try database.write { c in
            let i = Table.Invites.self
            guard let row = try c.query("SELECT id, annotator_id, expires_at, used_at FROM invites WHERE code_sha256 = ?", [.text(hash)]).first,
                  try row.optionalDouble(i.usedAt) == nil, try row.double(i.expiresAt) > t else {
                throw ProjectError(code: .unauthorized, message: "that code is not a valid invite: it is wrong, used or expired; ask for a new one")
            }
            let person = try row.int(i.annotatorID)
            try c.execute("UPDATE invites SET used_at = ? WHERE id = ?", [.real(t), .integer(try row.int(i.id))])
            try c.insert(into: Table.Tokens.self, [
                .annotatorID: .integer(person), .tokenSHA256: .text(Self.tokenHash(token)), .createdAt: .real(t), .createdFrom: .optional(remote),
            ])
            let name = try Self.annotatorName(person, c)
            try Self.audit(actor: name, action: "login", remote: remote, at: t, c)
            return name
        }
        return (token, name)
    }

    /// What the store keeps of a token: its SHA-256.
    public static func tokenHash(_ token: String) -> String { Digest.sha256(text: token) }

    /// The person a token acts as, checked on every request so a revocation takes effect on
    /// the next one. Records its use (at most once a minute).
    /// - Throws: ``ProjectError`` `.unauthorized` for a token that is wrong or revoked.
    /// - Parameter hash: the token's SHA-256, as ``tokenHash(_:)`` gives it.
    public func authenticate(hash: String, from remote: String?, now: Date = Date()) throws -> Annotator {
        let t = now.timeIntervalSince1970
        let k = Table.Tokens.self
        // Every request runs this: one statement, one round trip.
        let found = try database.single(readOnly: true) { c -> (id: Int64, annotator: Annotator, lastUsed: Double?, lastFrom: String?)? in
            guard let row = try c.query(
                """
                SELECT a.*, t.id AS token_id, t.last_used_at, t.last_used_from FROM tokens t JOIN annotators a ON a.id = t.annotator_id
                WHERE t.token_sha256 = ? AND t.revoked_at IS NULL
                """, [.text(hash)]).first else { return nil }
            return (try row.int(TokenColumns.tokenID), try Annotator(row: row), try row.optionalDouble(k.lastUsedAt), try row.optionalString(k.lastUsedFrom))
        }
        guard let found else {
            throw ProjectError(code: .unauthorized, message: "the token is not valid (wrong or revoked); log in again with a new invite code")
        }
        if found.lastUsed.map({ t - $0 >= Self.usageResolution }) ?? true || found.lastFrom != remote {
            try database.write { c in
                try c.execute("UPDATE tokens SET last_used_at = ?, last_used_from = ? WHERE id = ?", [.real(t), .optional(remote), .integer(found.id)])
            }
        }
        return found.annotator
    }

    /// Revokes every token of `name` and their unused invites; takes effect on the next
    /// request. Audited as an owner action.
    /// - Returns: how many tokens were revoked.
    @discardableResult
    public func revoke(_ name: String, now: Date = Date()) throws -> Int {
        let t = now.timeIntervalSince1970
        return try database.write { c in
            let person = try Self.annotator(named: name, c)
            let live = try c.query("SELECT COUNT(*) AS n FROM tokens WHERE annotator_id = ? AND revoked_at IS NULL", [.integer(person.id)]).first?.int(Computed.n) ?? 0
            try c.execute("UPDATE tokens SET revoked_at = ? WHERE annotator_id = ? AND revoked_at IS NULL", [.real(t), .integer(person.id)])
            try c.execute("UPDATE invites SET expires_at = ? WHERE annotator_id = ? AND used_at IS NULL AND expires_at > ?",
                          [.real(t), .integer(person.id), .real(t)])
            try Self.audit(actor: ownerActor, action: "revoke", detail: name, at: t, c)
            return Int(live)
        }
    }

    /// Every token, newest first: who holds one, since when, last used when and from where.
    public func sessions(includingRevoked: Bool = false) throws -> [TokenSession] {
        try database.read { c in
            let k = Table.Tokens.self
            return try c.query(
                """
                SELECT n.name, t.created_at, t.created_from, t.last_used_at, t.last_used_from, t.revoked_at
                FROM tokens t JOIN annotators n ON n.id = t.annotator_id
                \(includingRevoked ? "" : "WHERE t.revoked_at IS NULL") ORDER BY t.id DESC
                """).map {
                TokenSession(annotator: try $0.string(Annotator.Columns.name), createdAt: try $0.double(k.createdAt),
                             createdFrom: try $0.optionalString(k.createdFrom), lastUsedAt: try $0.optionalDouble(k.lastUsedAt),
                             lastUsedFrom: try $0.optionalString(k.lastUsedFrom), revokedAt: try $0.optionalDouble(k.revokedAt))
            }
        }
    }

    /// Appends to the audit log.
    public func audit(actor: String, action: String, task: Int64? = nil, remote: String? = nil, detail: String? = nil, now: Date = Date()) throws {
        try database.single(readOnly: false) { c in try Self.audit(actor: actor, action: action, task: task, remote: remote, detail: detail, at: now.timeIntervalSince1970, c) }
    }

    /// The audit log in `[from, to)` (seconds since 1970; nil: unbounded), oldest first.
    public func auditLog(from: Double? = nil, to: Double? = nil) throws -> [AuditEntry] {
        try database.read { c in
            let a = Table.Audit.self
            return try c.query("SELECT at, actor, action, task_id, remote, detail FROM audit WHERE at >= ? AND at < ? ORDER BY id",
                               [.real(from ?? 0), .real(to ?? .greatestFiniteMagnitude)]).map {
                AuditEntry(at: try $0.double(a.at), actor: try $0.string(a.actor), action: try $0.string(a.action), taskID: try $0.optionalInt(a.taskID),
                           remote: try $0.optionalString(a.remote), detail: try $0.optionalString(a.detail))
            }
        }
    }

    static func audit(actor: String, action: String, task: Int64? = nil, remote: String? = nil, detail: String? = nil, at t: Double, _ c: SQLConnection) throws {
        try c.insert(into: Table.Audit.self, [
            .at: .real(t), .actor: .text(actor), .action: .text(action), .taskID: .optional(task), .remote: .optional(remote), .detail: .optional(detail),
        ])
    }

    static func annotatorName(_ id: Int64, _ c: SQLConnection) throws -> String {
        guard let row = try c.query("SELECT name FROM annotators WHERE id = ?", [.integer(id)]).first else {
            throw ProjectError(code: .notFound, message: "no annotator \(id)")
        }
        return try row.string(Annotator.Columns.name)
    }
}
