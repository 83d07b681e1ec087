import Foundation

/// Everything the annotation loop asks of the work, on behalf of one person: the seam between
/// the loop and where the work lives. ``LocalWorkBackend`` is the project's own store; a
/// server client is another implementation of the same calls.
///
/// Every call may fail and may be slow (the loop makes them off its key thread); a call that
/// failed may be made again: `submit` with the same task and text returns the first result
/// and stores nothing twice, `saveDraft` replaces, `release` and `renew` act on the lease as
/// it is.
public protocol WorkBackend: Sendable {
    /// The person every call acts as.
    var annotator: String { get }
    /// The project's settings the loop needs (tags, keys, lease time, pay terms, breaks).
    var config: ProjectConfig { get }

    /// The person's own record.
    func me() throws -> Annotator
    /// The project's pay terms, as shown before the first task.
    func terms() throws -> String
    func acknowledgeTerms() throws
    /// A task the person still holds, with their draft, if any.
    func resume(kind: TaskKind?, language: String?) throws -> ClaimedTask?
    /// - Throws: ``ProjectError`` `.nothingToDo`, `.dailyCapReached`.
    func claim(kind: TaskKind?, language: String?) throws -> ClaimedTask
    func progress(since: Date, kind: TaskKind?, language: String?) throws -> Progress
    /// The person's pay since `since`, nil when they have no work in it.
    func pay(since: Date) throws -> PayLine?
    /// Rejections of the person's own work.
    func rejections() throws -> [Rejection]
    func saveDraft(task: Int64, text: String, activeSeconds: Double?) throws
    /// - Parameter clientID: the client's id for this submission, the same on every retry of it.
    func submit(task: Int64, text: String, activeSeconds: Double?, fromMachineDraft: Bool, clientID: String?) throws -> Submission
    /// - Parameter comment: what the person wrote about it (for "other", say).
    func skip(task: Int64, reason: SkipReason, comment: String?, activeSeconds: Double?) throws
    func release(task: Int64) throws
    /// - Returns: when the lease now lapses, seconds since 1970.
    func renew(task: Int64) throws -> Double
    /// The person chose to listen to a segment flagged distressing.
    func sawFlaggedContent(task: Int64) throws
    /// Sets the speaker of the segment of a task the person holds.
    func setSpeaker(task: Int64, speaker: String) throws
    /// A reviewer rejects a version under review, with a reason its author reads.
    func reject(annotation: Int64, reason: String) throws
    /// A task the person holds, as it stands now (the texts before it, say, after a submission
    /// fetched ahead of it arrived).
    func held(task: Int64) throws -> ClaimedTask
    /// The person's own submissions to these tasks (from this sitting), as they stand now.
    func submissions(tasks: [Int64]) throws -> [OwnSubmission]
    /// Replaces the text of one of the person's own submissions before its segment settles.
    func amend(annotation: Int64, text: String, activeSeconds: Double?) throws -> OwnSubmission
    /// Moves, splits or merges the segment of a transcription task the person holds.
    func editBoundaries(task: Int64, edit: BoundaryEdit) throws -> BoundaryResult
    /// Submissions, skips and drafts written down here and not yet delivered (a client that
    /// is offline); 0 for a backend that delivers as it goes.
    var waiting: Int { get }
    /// What the person should be told about work delivered in the background (late, refused),
    /// each once.
    func takeNotices() -> [String]
    /// The sitting ends: give back work fetched ahead, deliver what waits if possible.
    /// - Returns: how many submissions still wait on this machine.
    func finish() -> Int
}

extension WorkBackend {
    public func skip(task: Int64, reason: SkipReason, activeSeconds: Double?) throws {
        try skip(task: task, reason: reason, comment: nil, activeSeconds: activeSeconds)
    }
    public var waiting: Int { 0 }
    public func takeNotices() -> [String] { [] }
    public func finish() -> Int { 0 }
}

/// The work in the project's own store (SQLite or PostgreSQL), for the loop run on the
/// project's machine.
public struct LocalWorkBackend: WorkBackend {
    public let annotator: String
    public let config: ProjectConfig
    let store: ProjectStore
    let work: WorkQueue

    public init(project: Project, annotator: String) {
        self.annotator = annotator
        config = project.config
        store = project.store
        work = project.work
    }

    /// For `person`, whose record the caller has just read (a server, per request).
    public init(project: Project, person: Annotator) {
        annotator = person.name
        config = project.config
        store = project.store
        work = project.work.acting(as: person)
    }

    public func me() throws -> Annotator { try store.annotator(named: annotator) }
    public func terms() throws -> String { try work.terms(for: annotator) }
    public func acknowledgeTerms() throws { try work.acknowledgeTerms(as: annotator) }
    public func resume(kind: TaskKind?, language: String?) throws -> ClaimedTask? {
        try work.resume(as: annotator, kind: kind, language: language)
    }
    public func claim(kind: TaskKind?, language: String?) throws -> ClaimedTask {
        try work.claim(as: annotator, kind: kind, language: language)
    }
    public func progress(since: Date, kind: TaskKind?, language: String?) throws -> Progress {
        try work.progress(of: annotator, since: since, kind: kind, language: language)
    }
    public func pay(since: Date) throws -> PayLine? {
        try store.payReport(config: config, from: since.timeIntervalSince1970, only: annotator).lines.first
    }
    public func rejections() throws -> [Rejection] { try store.rejections(of: annotator) }
    public func saveDraft(task: Int64, text: String, activeSeconds: Double?) throws {
        try work.saveDraft(task: task, as: annotator, text: text, activeSeconds: activeSeconds)
    }
    public func submit(task: Int64, text: String, activeSeconds: Double?, fromMachineDraft: Bool, clientID: String?) throws -> Submission {
        try work.submit(task: task, as: annotator, text: text, activeSeconds: activeSeconds, fromMachineDraft: fromMachineDraft, clientID: clientID)
    }
    public func skip(task: Int64, reason: SkipReason, comment: String?, activeSeconds: Double?) throws {
        try work.skip(task: task, as: annotator, reason: reason, comment: comment, activeSeconds: activeSeconds)
    }
    public func submissions(tasks: [Int64]) throws -> [OwnSubmission] { try work.submissions(tasks: tasks, as: annotator) }
    public func held(task: Int64) throws -> ClaimedTask { try work.heldTask(task, as: annotator) }
    public func amend(annotation: Int64, text: String, activeSeconds: Double?) throws -> OwnSubmission {
        try work.amend(annotation: annotation, as: annotator, text: text, activeSeconds: activeSeconds)
    }
    public func editBoundaries(task: Int64, edit: BoundaryEdit) throws -> BoundaryResult {
        try work.editBoundaries(task: task, as: annotator, edit: edit)
    }
    public func release(task: Int64) throws { try work.release(task: task, as: annotator) }
    public func renew(task: Int64) throws -> Double { try work.renew(task: task, as: annotator) }
    public func sawFlaggedContent(task: Int64) throws { try work.sawFlaggedContent(task: task, as: annotator) }
    public func setSpeaker(task: Int64, speaker: String) throws { try work.setSpeaker(task: task, as: annotator, speaker: speaker) }
    public func reject(annotation: Int64, reason: String) throws {
        _ = try store.reject(annotation: annotation, as: annotator, reason: reason)
    }
}
