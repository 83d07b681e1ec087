import ChorusStore
import Foundation

// The JSON the work API speaks, snake_case, described in ChorusServer's openapi.yaml: one
// definition, encoded by the server and decoded by the client. What a person sees is what
// their task needs: no server paths, no other person's name, pay or texts beyond the texts
// their task is about.

/// A task as the API hands it out: the claimed task without the recording's path on the
/// server; the audio comes from `clip`.
public struct APITask: Codable, Sendable, Equatable {
    public var taskID: Int64
    public var kind: TaskKind
    public var language: String
    public var segmentID: Int64
    /// Where this task's audio is, while the lease lasts.
    public var clip: String
    public var start: Double
    public var end: Double
    public var leaseExpires: Double
    public var contentWarning: Bool
    public var draft: String?
    public var draftActiveSeconds: Double?
    public var machineDraft: String?
    /// For translation: the settled transcript. For review: the competing versions, unnamed.
    public var sourceTexts: [String]
    /// For review: the version ids, in the order of `source_texts`, for rejecting one.
    public var sourceAnnotationIDs: [Int64]
    public var context: String?
    public var original: String?
    /// The segment's speaker, and its recording's speakers to choose from.
    public var speaker: String?
    public var knownSpeakers: [String]?
    /// The two segments before this one whose text this person may see (settled, or their own).
    public var before: [ContextLine]?
    /// For review: the versions written before the segment's boundaries last changed.
    public var sourcesBeforeBoundaryChange: [Int64]?

    public init(_ t: ClaimedTask) {
        before = t.before
        sourcesBeforeBoundaryChange = t.sourcesBeforeBoundaryChange
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
        speaker = t.speaker
        knownSpeakers = t.knownSpeakers
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", kind, language, segmentID = "segment_id", clip, start, end, leaseExpires = "lease_expires"
        case contentWarning = "content_warning", draft, draftActiveSeconds = "draft_active_seconds", machineDraft = "machine_draft"
        case sourceTexts = "source_texts", sourceAnnotationIDs = "source_annotation_ids", context, original, speaker, knownSpeakers = "known_speakers"
        case before, sourcesBeforeBoundaryChange = "sources_before_boundary_change"
    }
}

/// `POST /v1/tasks/claim` and `GET /v1/tasks/held`: a task, or why there is none.
public struct TaskAnswer: Codable, Sendable {
    public var task: APITask?
    /// `nothing-to-do` or `daily-cap-reached` when there is no task.
    public var idle: String?
    public var message: String?

    public init(task: APITask? = nil, idle: String? = nil, message: String? = nil) {
        self.task = task
        self.idle = idle
        self.message = message
    }
}

public struct ClaimBody: Codable, Sendable {
    public var kind: TaskKind?
    public var language: String?

    public init(kind: TaskKind? = nil, language: String? = nil) {
        self.kind = kind
        self.language = language
    }
}

public struct LoginBody: Codable, Sendable {
    public var code: String

    public init(code: String) {
        self.code = code
    }
}

public struct LoginAnswer: Codable, Sendable {
    public var token: String
    public var annotator: String

    public init(token: String, annotator: String) {
        self.token = token
        self.annotator = annotator
    }
}

public struct DraftBody: Codable, Sendable {
    public var text: String
    public var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case text, activeSeconds = "active_seconds" }

    public init(text: String, activeSeconds: Double? = nil) {
        self.text = text
        self.activeSeconds = activeSeconds
    }
}

public struct SubmitBody: Codable, Sendable {
    public var text: String
    public var activeSeconds: Double?
    public var fromMachineDraft: Bool?
    /// The client's id for this submission, the same on every retry.
    public var submissionID: String?
    enum CodingKeys: String, CodingKey {
        case text, activeSeconds = "active_seconds", fromMachineDraft = "from_machine_draft", submissionID = "submission_id"
    }

    public init(text: String, activeSeconds: Double? = nil, fromMachineDraft: Bool? = nil, submissionID: String? = nil) {
        self.text = text
        self.activeSeconds = activeSeconds
        self.fromMachineDraft = fromMachineDraft
        self.submissionID = submissionID
    }
}

/// `POST /v1/tasks/{task}/speaker`.
public struct SpeakerBody: Codable, Sendable {
    public var speaker: String
    public init(speaker: String) { self.speaker = speaker }
}

public struct SkipBody: Codable, Sendable {
    public var reason: SkipReason
    /// What the person wrote about it (up to 500 characters).
    public var comment: String?
    public var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case reason, comment, activeSeconds = "active_seconds" }

    public init(reason: SkipReason, comment: String? = nil, activeSeconds: Double? = nil) {
        self.reason = reason
        self.comment = comment
        self.activeSeconds = activeSeconds
    }
}

/// `POST /v1/submissions/{annotation}/amend`: the new text of one's own submission.
public struct AmendBody: Codable, Sendable {
    public var text: String
    /// Seconds spent amending, added to the submission's active time.
    public var activeSeconds: Double?
    enum CodingKeys: String, CodingKey { case text, activeSeconds = "active_seconds" }

    public init(text: String, activeSeconds: Double? = nil) {
        self.text = text
        self.activeSeconds = activeSeconds
    }
}

/// `GET /v1/submissions?tasks=...`: one's own submissions; `recording` is the clip's path on the server.
public struct SubmissionsAnswer: Codable, Sendable {
    public var submissions: [OwnSubmission]
    public init(submissions: [OwnSubmission]) { self.submissions = submissions }
}

/// `POST /v1/tasks/{task}/boundaries`: `start` and `end` move to `at`, `split` cuts at `at`,
/// `merge` joins the next segment (no `at`). Times are recording seconds.
public struct BoundaryBody: Codable, Sendable {
    public var action: String
    public var at: Double?

    public init(_ edit: BoundaryEdit) {
        action = edit.name
        switch edit {
        case .start(let t), .end(let t), .split(let t): at = t
        case .merge: at = nil
        }
    }

    /// The edit, or nil when the body does not name one.
    public var edit: BoundaryEdit? {
        switch (action, at) {
        case ("start", let t?): .start(t)
        case ("end", let t?): .end(t)
        case ("split", let t?): .split(at: t)
        case ("merge", nil): .merge
        default: nil
        }
    }
}

public struct RejectBody: Codable, Sendable {
    /// One of the held review task's `source_annotation_ids`.
    public var annotationID: Int64
    public var reason: String
    enum CodingKeys: String, CodingKey { case annotationID = "annotation_id", reason }

    public init(annotationID: Int64, reason: String) {
        self.annotationID = annotationID
        self.reason = reason
    }
}

public struct AppealBody: Codable, Sendable {
    public var comment: String

    public init(comment: String) {
        self.comment = comment
    }
}

public struct RenewAnswer: Codable, Sendable {
    public var leaseExpires: Double
    enum CodingKeys: String, CodingKey { case leaseExpires = "lease_expires" }

    public init(leaseExpires: Double) {
        self.leaseExpires = leaseExpires
    }
}

public struct TermsAnswer: Codable, Sendable {
    public var terms: String

    public init(terms: String) {
        self.terms = terms
    }
}

/// `GET /v1/me`: the person's own record, progress and pay.
public struct MeAnswer: Codable, Sendable {
    public var annotator: String
    public var languages: [String]
    public var creditName: String?
    public var avoidDistressing: Bool
    public var termsSeenAt: Double?
    public var progress: ChorusStore.Progress
    public var pay: PayLine.Shown?

    enum CodingKeys: String, CodingKey {
        case annotator, languages, creditName = "credit_name", avoidDistressing = "avoid_distressing", termsSeenAt = "terms_seen_at", progress, pay
    }

    public init(annotator: String, languages: [String], creditName: String? = nil, avoidDistressing: Bool, termsSeenAt: Double? = nil, progress: ChorusStore.Progress, pay: PayLine.Shown? = nil) {
        self.annotator = annotator
        self.languages = languages
        self.creditName = creditName
        self.avoidDistressing = avoidDistressing
        self.termsSeenAt = termsSeenAt
        self.progress = progress
        self.pay = pay
    }
}

/// A rejection of the person's own text, without the reviewer's name.
public struct APIRejection: Codable, Sendable {
    public var annotationID: Int64
    public var segmentID: Int64
    public var text: String
    public var reason: String
    public var appealed: Bool
    public var appealComment: String?
    public var decision: String?
    public var decisionReason: String?

    public init(_ r: Rejection) {
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
public struct ClientSettings: Codable, Sendable {
    public var sourceLanguage: String
    public var targetLanguages: [String]
    public var leaseMinutes: Double
    public var tags: [String]
    public var keys: [String: [String]]
    public var rewindOnResume: Double
    public var pauseWhileTyping: Bool
    public var breakAfterMinutes: Double
    public var dailyCapHours: Double
    public var currency: String
    /// The loop's seek step, "hear around" context and whether timestamps may be inserted
    /// (absent from servers before they existed).
    public var seekSeconds: Double?
    public var contextSeconds: Double?
    public var timestamps: Bool?

    public init(_ c: ProjectConfig) {
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
        seekSeconds = c.seekSeconds
        contextSeconds = c.contextSeconds
        timestamps = c.timestamps
    }

    enum CodingKeys: String, CodingKey {
        case sourceLanguage = "source_language", targetLanguages = "target_languages", leaseMinutes = "lease_minutes", tags, keys
        case rewindOnResume = "rewind_on_resume", pauseWhileTyping = "pause_while_typing", breakAfterMinutes = "break_after_minutes"
        case dailyCapHours = "daily_cap_hours", currency, seekSeconds = "seek_seconds", contextSeconds = "context_seconds", timestamps
    }
}

/// Every error the API answers with: `{"error": {"code": ..., "message": ...}}`.
public struct ErrorAnswer: Codable, Sendable {
    public struct Body: Codable, Sendable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }
    public var error: Body

    public init(error: Body) {
        self.error = error
    }
}

// The client's side: the answers back into the types the loop works with.

extension APITask {
    /// As the loop knows a task; `recording` is the clip's URL on the server.
    public func claimed(on server: URL) -> ClaimedTask {
        var task = ClaimedTask(taskID: taskID, kind: kind, language: language, segmentID: segmentID,
                    recording: URL(string: clip, relativeTo: server)?.absoluteString ?? clip, start: start, end: end, leaseExpires: leaseExpires,
                    contentWarning: contentWarning, draft: draft, draftActiveSeconds: draftActiveSeconds, machineDraft: machineDraft,
                    sourceTexts: sourceTexts, sourceAnnotationIDs: sourceAnnotationIDs, context: context, original: original,
                    speaker: speaker, knownSpeakers: knownSpeakers ?? [], before: before ?? [])
        task.sourcesBeforeBoundaryChange = sourcesBeforeBoundaryChange ?? []
        return task
    }
}

extension APIRejection {
    /// The reviewer is not named through the server.
    public var rejection: Rejection {
        Rejection(id: annotationID, annotationID: annotationID, segmentID: segmentID, text: text, reviewer: "a reviewer", reason: reason,
                  appealID: appealed ? annotationID : nil, appealComment: appealComment, decision: decision, decisionReason: decisionReason)
    }
}

extension ClientSettings {
    /// The project's settings as far as the loop needs them.
    /// - Throws: ``ProjectError`` for a language tag that is not BCP-47.
    public func config() throws -> ProjectConfig {
        var c = ProjectConfig(sourceLanguage: try LanguageTag(sourceLanguage), targetLanguages: try targetLanguages.map { try LanguageTag($0) })
        c.leaseMinutes = leaseMinutes
        c.tags = tags
        c.keys = keys
        c.rewindOnResume = rewindOnResume
        c.pauseWhileTyping = pauseWhileTyping
        c.breakAfterMinutes = breakAfterMinutes
        c.dailyCapHours = dailyCapHours
        c.currency = currency
        if let seekSeconds { c.seekSeconds = seekSeconds }
        if let contextSeconds { c.contextSeconds = contextSeconds }
        if let timestamps { c.timestamps = timestamps }
        return c
    }
}
