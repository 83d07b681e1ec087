import ChorusStore
import Foundation

// The JSON the work API speaks, snake_case, described in openapi.yaml. What a person sees is
// what their task needs: no server paths, no other person's name, pay or texts beyond the
// texts their task is about.

/// A task as the API hands it out: the claimed task without the recording's path on the
/// server; the audio comes from `clip`.
struct APITask: Codable, Sendable, Equatable {
    var taskID: Int64
    var kind: TaskKind
    var language: String
    var segmentID: Int64
    /// Where this task's audio is, while the lease lasts.
    var clip: String
    var start: Double
    var end: Double
    var leaseExpires: Double
    var contentWarning: Bool
    var draft: String?
    var draftActiveSeconds: Double?
    var machineDraft: String?
    /// For translation: the settled transcript. For review: the competing versions, unnamed.
    var sourceTexts: [String]
    /// For review: the version ids, in the order of `source_texts`, for rejecting one.
    var sourceAnnotationIDs: [Int64]
    var context: String?
    var original: String?

    init(_ t: ClaimedTask) {
        taskID = t.taskID
        kind = t.kind
        language = t.language
        segmentID = t.segmentID
        clip = "/v1/tasks/\(t.taskID)/clip"
        start = t.start
        end = t.end
        leaseExpires = t.leaseExpires
        contentWarning = t.contentWarning
        draft = t.draft
        draftActiveSeconds = t.draftActiveSeconds
        machineDraft = t.machineDraft
        sourceTexts = t.sourceTexts
        sourceAnnotationIDs = t.sourceAnnotationIDs
        context = t.context
        original = t.original
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", kind, language, segmentID = "segment_id", clip, start, end, leaseExpires = "lease_expires"
        case contentWarning = "content_warning", draft, draftActiveSeconds = "draft_active_seconds", machineDraft = "machine_draft"
        case sourceTexts = "source_texts", sourceAnnotationIDs = "source_annotation_ids", context, original
    }
}

/// `POST /v1/tasks/claim` and `GET /v1/tasks/held`: a task, or why there is none.
struct TaskAnswer: Codable, Sendable {
    var task: APITask?
    /// `nothing-to-do` or `daily-cap-reached` when there is no task.
    var idle: String?
    var message: String?
}

struct ClaimBody: Codable, Sendable {
    var kind: TaskKind?
    var language: String?
}

struct LoginBody: Codable, Sendable { var code: String }

struct LoginAnswer: Codable, Sendable {
    var token: String
    var annotator: String
}

struct DraftBody: Codable, Sendable {
    var text: String
    var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case text, activeSeconds = "active_seconds" }
}

struct SubmitBody: Codable, Sendable {
    var text: String
    var activeSeconds: Double?
    var fromMachineDraft: Bool?
    /// The client's id for this submission, the same on every retry.
    var submissionID: String?
    enum CodingKeys: String, CodingKey {
        case text, activeSeconds = "active_seconds", fromMachineDraft = "from_machine_draft", submissionID = "submission_id"
    }
}

struct SkipBody: Codable, Sendable {
    var reason: SkipReason
    var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case reason, activeSeconds = "active_seconds" }
}

struct RejectBody: Codable, Sendable {
    /// One of the held review task's `source_annotation_ids`.
    var annotationID: Int64
    var reason: String
    enum CodingKeys: String, CodingKey { case annotationID = "annotation_id", reason }
}

struct AppealBody: Codable, Sendable { var comment: String }

struct RenewAnswer: Codable, Sendable {
    var leaseExpires: Double
    enum CodingKeys: String, CodingKey { case leaseExpires = "lease_expires" }
}

struct TermsAnswer: Codable, Sendable { var terms: String }

/// `GET /v1/me`: the person's own record, progress and pay.
struct MeAnswer: Encodable, Sendable {
    var annotator: String
    var languages: [String]
    var creditName: String?
    var avoidDistressing: Bool
    var termsSeenAt: Double?
    var progress: ChorusStore.Progress
    var pay: PayLine.Shown?

    enum CodingKeys: String, CodingKey {
        case annotator, languages, creditName = "credit_name", avoidDistressing = "avoid_distressing", termsSeenAt = "terms_seen_at", progress, pay
    }
}

/// A rejection of the person's own text, without the reviewer's name.
struct APIRejection: Codable, Sendable {
    var annotationID: Int64
    var segmentID: Int64
    var text: String
    var reason: String
    var appealed: Bool
    var appealComment: String?
    var decision: String?
    var decisionReason: String?

    init(_ r: Rejection) {
        annotationID = r.annotationID
        segmentID = r.segmentID
        text = r.text
        reason = r.reason
        appealed = r.appealID != nil
        appealComment = r.appealComment
        decision = r.decision
        decisionReason = r.decisionReason
    }

    enum CodingKeys: String, CodingKey {
        case annotationID = "annotation_id", segmentID = "segment_id", text, reason, appealed, appealComment = "appeal_comment"
        case decision, decisionReason = "decision_reason"
    }
}

/// `GET /v1/settings`: what a client needs of `chorus.yaml` to run the loop; never the
/// store's address, the draft command or the player.
struct ClientSettings: Codable, Sendable {
    var sourceLanguage: String
    var targetLanguages: [String]
    var leaseMinutes: Double
    var tags: [String]
    var keys: [String: [String]]
    var rewindOnResume: Double
    var pauseWhileTyping: Bool
    var breakAfterMinutes: Double
    var dailyCapHours: Double
    var currency: String

    init(_ c: ProjectConfig) {
        sourceLanguage = c.sourceLanguage.value
        targetLanguages = c.targetLanguages.map(\.value)
        leaseMinutes = c.leaseMinutes
        tags = c.tags
        keys = c.keys
        rewindOnResume = c.rewindOnResume
        pauseWhileTyping = c.pauseWhileTyping
        breakAfterMinutes = c.breakAfterMinutes
        dailyCapHours = c.dailyCapHours
        currency = c.currency
    }

    enum CodingKeys: String, CodingKey {
        case sourceLanguage = "source_language", targetLanguages = "target_languages", leaseMinutes = "lease_minutes", tags, keys
        case rewindOnResume = "rewind_on_resume", pauseWhileTyping = "pause_while_typing", breakAfterMinutes = "break_after_minutes"
        case dailyCapHours = "daily_cap_hours", currency
    }
}

/// Every error the API answers with: `{"error": {"code": ..., "message": ...}}`.
struct ErrorAnswer: Codable, Sendable {
    struct Body: Codable, Sendable {
        var code: String
        var message: String
    }
    var error: Body
}
