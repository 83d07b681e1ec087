import ChorusStore
import Foundation

// The work API's JSON as the client reads and writes it (openapi.yaml in ChorusServer).

struct ErrorAnswer: Decodable {
    struct Body: Decodable { var code: String; var message: String }
    var error: Body
}

struct MeName: Decodable { var annotator: String }

struct Me: Decodable {
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

struct Terms: Decodable { var terms: String }

struct Renewed: Decodable {
    var leaseExpires: Double
    enum CodingKeys: String, CodingKey { case leaseExpires = "lease_expires" }
}

struct TaskAnswer: Decodable {
    var task: RemoteTask?
    var idle: String?
    var message: String?
}

struct RemoteTask: Decodable {
    var taskID: Int64
    var kind: TaskKind
    var language: String
    var segmentID: Int64
    var clip: String
    var start: Double
    var end: Double
    var leaseExpires: Double
    var contentWarning: Bool
    var draft: String?
    var draftActiveSeconds: Double?
    var machineDraft: String?
    var sourceTexts: [String]
    var sourceAnnotationIDs: [Int64]
    var context: String?
    var original: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", kind, language, segmentID = "segment_id", clip, start, end, leaseExpires = "lease_expires"
        case contentWarning = "content_warning", draft, draftActiveSeconds = "draft_active_seconds", machineDraft = "machine_draft"
        case sourceTexts = "source_texts", sourceAnnotationIDs = "source_annotation_ids", context, original
    }

    /// As the loop knows a task; `recording` is the clip's URL on the server.
    func claimed(on server: URL) -> ClaimedTask {
        ClaimedTask(taskID: taskID, kind: kind, language: language, segmentID: segmentID,
                    recording: URL(string: clip, relativeTo: server)?.absoluteString ?? clip, start: start, end: end, leaseExpires: leaseExpires,
                    contentWarning: contentWarning, draft: draft, draftActiveSeconds: draftActiveSeconds, machineDraft: machineDraft,
                    sourceTexts: sourceTexts, sourceAnnotationIDs: sourceAnnotationIDs, context: context, original: original)
    }
}

struct RemoteRejection: Decodable {
    var annotationID: Int64
    var segmentID: Int64
    var text: String
    var reason: String
    var appealed: Bool
    var appealComment: String?
    var decision: String?
    var decisionReason: String?

    enum CodingKeys: String, CodingKey {
        case annotationID = "annotation_id", segmentID = "segment_id", text, reason, appealed, appealComment = "appeal_comment"
        case decision, decisionReason = "decision_reason"
    }

    /// The reviewer is not named through the server.
    var rejection: Rejection {
        Rejection(id: annotationID, annotationID: annotationID, segmentID: segmentID, text: text, reviewer: "a reviewer", reason: reason,
                  appealID: appealed ? annotationID : nil, appealComment: appealComment, decision: decision, decisionReason: decisionReason)
    }
}

struct Settings: Decodable {
    var sourceLanguage: String
    var targetLanguages: [String]
    var leaseMinutes: Double
    var tags: [String]
    var keys: [String: [String]]
    var rewindOnResume: Double?
    var pauseWhileTyping: Bool?
    var breakAfterMinutes: Double?
    var dailyCapHours: Double?
    var currency: String?

    enum CodingKeys: String, CodingKey {
        case sourceLanguage = "source_language", targetLanguages = "target_languages", leaseMinutes = "lease_minutes", tags, keys
        case rewindOnResume = "rewind_on_resume", pauseWhileTyping = "pause_while_typing", breakAfterMinutes = "break_after_minutes"
        case dailyCapHours = "daily_cap_hours", currency
    }

    func config() throws -> ProjectConfig {
        var c = ProjectConfig(sourceLanguage: try LanguageTag(sourceLanguage), targetLanguages: try targetLanguages.map { try LanguageTag($0) })
        c.leaseMinutes = leaseMinutes
        c.tags = tags
        c.keys = keys
        if let rewindOnResume { c.rewindOnResume = rewindOnResume }
        if let pauseWhileTyping { c.pauseWhileTyping = pauseWhileTyping }
        if let breakAfterMinutes { c.breakAfterMinutes = breakAfterMinutes }
        if let dailyCapHours { c.dailyCapHours = dailyCapHours }
        if let currency { c.currency = currency }
        return c
    }
}

struct Draft: Encodable {
    var text: String
    var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case text, activeSeconds = "active_seconds" }
}

struct Submit: Encodable {
    var text: String
    var activeSeconds: Double?
    var fromMachineDraft: Bool
    var submissionID: String?
    enum CodingKeys: String, CodingKey {
        case text, activeSeconds = "active_seconds", fromMachineDraft = "from_machine_draft", submissionID = "submission_id"
    }
}

struct Skip: Encodable {
    var reason: SkipReason
    var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case reason, activeSeconds = "active_seconds" }
}

struct Reject: Encodable {
    var annotationID: Int64
    var reason: String
    enum CodingKeys: String, CodingKey { case annotationID = "annotation_id", reason }
}
