import ChorusStore
import Foundation

/// The remote backend with a journal on the annotator's disk: every draft, submission and skip
/// is written to a small SQLite file first (`$XDG_DATA_HOME/chorus/journal.sqlite`), then sent.
/// Through a dropped connection the person keeps working on what their machine has; what waits
/// is delivered in order when the server answers again (each submission once: it carries its
/// id), also at the next start after a crash, a closed laptop or a power cut.
public final class JournaledBackend: WorkBackend, @unchecked Sendable {
    public let remote: RemoteWorkBackend
    /// A second connection for fetching the next task and its clip ahead, so the person's own
    /// calls never queue behind a download.
    let fetcher: RemoteWorkBackend
    /// The next task, claimed while the person works on this one, with its clip (at most one).
    private var ahead: (task: ClaimedTask, clip: Data?)?
    private var clips: [Int64: Data] = [:]
    private let prefetchQueue = DispatchQueue(label: "chorus.prefetch")
    private let deliveryQueue = DispatchQueue(label: "chorus.delivery")
    public var annotator: String { remote.annotator }
    public var config: ProjectConfig { remote.config }
    let journal: SQLiteDatabase
    let server: String
    /// Where texts the server refused for good are kept, a file each.
    let recoveryFolder: String
    private let flushing = NSLock()
    private let state = NSLock()
    private var notices: [String] = []
    private var pending = 0
    /// The refused login was told already (delivery is tried every few seconds).
    private var loginRefused = false
    private var timer: DispatchSourceTimer?

    /// Opens (or creates) the journal and delivers what an earlier sitting left waiting.
    public init(remote: RemoteWorkBackend, journal path: String, recoveryFolder: String) throws {
        self.remote = remote
        fetcher = try remote.secondConnection()
        self.recoveryFolder = recoveryFolder
        server = remote.server.absoluteString
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        journal = try SQLiteDatabase(path: path, create: !FileManager.default.fileExists(atPath: path))
        try journal.write { c in
            try c.execute("""
                CREATE TABLE IF NOT EXISTS outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT NOT NULL, annotator TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('draft', 'submit', 'skip')), task_id INTEGER NOT NULL, text TEXT,
                    active_seconds REAL, from_machine_draft INTEGER NOT NULL DEFAULT 0, client_id TEXT, reason TEXT, created_at REAL NOT NULL)
                """)
        }
        chmod(path, 0o600)
        refreshCount()
        flush()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "chorus.journal"))
        timer.schedule(deadline: .now() + 3, repeating: 3)
        timer.setEventHandler { [weak self] in
            guard let self, self.waiting > 0 else { return }
            self.flush()
        }
        timer.resume()
        self.timer = timer
    }

    deinit { timer?.cancel() }

    public var waiting: Int { state.withLock { pending } }

    public func takeNotices() -> [String] { state.withLock { defer { notices = [] }; return notices } }

    // MARK: What is journaled

    public func saveDraft(task: Int64, text: String, activeSeconds: Double?) throws {
        try journal.write { c in
            try c.execute("DELETE FROM outbox WHERE server = ? AND annotator = ? AND kind = 'draft' AND task_id = ?",
                          [.text(server), .text(annotator), .integer(task)])
            try c.insert(into: Outbox.self, [
                .server: .text(server), .annotator: .text(annotator), .kind: .text("draft"), .taskID: .integer(task), .text: .text(text),
                .activeSeconds: .optional(activeSeconds), .createdAt: .real(Date().timeIntervalSince1970),
            ])
        }
        refreshCount()
        flush()
    }

    /// Written down, then sent in the background, once; the answer is provisional (counted, not
    /// settled, no annotation id yet).
    public func submit(task: Int64, text: String, activeSeconds: Double?, fromMachineDraft: Bool, clientID: String?) throws -> Submission {
        let id = clientID ?? UUID().uuidString
        try journal.write { c in
            guard try c.query("SELECT id FROM outbox WHERE server = ? AND annotator = ? AND kind = 'submit' AND client_id = ?",
                              [.text(server), .text(annotator), .text(id)]).isEmpty else { return }
            try c.insert(into: Outbox.self, [
                .server: .text(server), .annotator: .text(annotator), .kind: .text("submit"), .taskID: .integer(task), .text: .text(text),
                .activeSeconds: .optional(activeSeconds), .fromMachineDraft: .bool(fromMachineDraft), .clientID: .text(id),
                .createdAt: .real(Date().timeIntervalSince1970),
            ])
        }
        refreshCount()
        // Sent in the background: the next segment (fetched ahead) plays at once. What the
        // server makes of it (late, refused) is told through the notices.
        deliveryQueue.async { [weak self] in self?.flush() }
        return Submission(annotationID: 0, taskID: task, counted: true, settled: nil)
    }

    /// The comment travels in the entry's text.
    public func skip(task: Int64, reason: SkipReason, comment: String?, activeSeconds: Double?) throws {
        try journal.write { c in
            try c.insert(into: Outbox.self, [
                .server: .text(server), .annotator: .text(annotator), .kind: .text("skip"), .taskID: .integer(task), .reason: .text(reason.rawValue),
                .text: .optional(comment),
                .activeSeconds: .optional(activeSeconds), .createdAt: .real(Date().timeIntervalSince1970),
            ])
        }
        refreshCount()
        deliveryQueue.async { [weak self] in self?.flush() }
    }

    // MARK: Passed through (after delivering what waits, so the server sees work in order)

    public func me() throws -> Annotator { try remote.me() }
    public func terms() throws -> String { try remote.terms() }
    public func acknowledgeTerms() throws { try remote.acknowledgeTerms() }
    public func claim(kind: TaskKind?, language: String?) throws -> ClaimedTask {
        if let next = takeAhead() {
            prefetch(kind: kind, language: language)
            return next
        }
        try deliveredFirst()
        let task = try remote.claim(kind: kind, language: language)
        prefetch(kind: kind, language: language)
        return task
    }

    /// The clip fetched ahead for `task`, once.
    public func prefetchedClip(_ task: Int64) -> Data? { state.withLock { clips.removeValue(forKey: task) } }

    /// Claims the next task and downloads its clip on the second connection, unless one is
    /// ahead already.
    private func prefetch(kind: TaskKind?, language: String?) {
        prefetchQueue.async { [weak self] in
            guard let self, self.state.withLock({ self.ahead == nil }) else { return }
            guard let task = try? self.fetcher.claim(kind: kind, language: language) else { return }
            let clip = try? self.fetcher.clip(task: task.taskID, format: "opus", context: RemoteWorkBackend.clipContext)
            self.state.withLock { self.ahead = (task, clip) }
        }
    }

    /// The task fetched ahead, waiting for a fetch in flight first.
    private func takeAhead() -> ClaimedTask? {
        prefetchQueue.sync {}
        return state.withLock {
            guard let next = ahead else { return nil }
            ahead = nil
            if let clip = next.clip { clips[next.task.taskID] = clip }
            return next.task
        }
    }

    public func finish() -> Int {
        prefetchQueue.sync {}
        if let next = state.withLock({ defer { ahead = nil }; return ahead }) { try? remote.release(task: next.task.taskID) }
        deliveryQueue.sync {}
        if waiting > 0 { flush() }
        timer?.cancel()
        return waiting
    }
    public func progress(since: Date, kind: TaskKind?, language: String?) throws -> ChorusStore.Progress {
        try remote.progress(since: since, kind: kind, language: language)
    }
    public func pay(since: Date) throws -> PayLine? { try remote.pay(since: since) }
    public func rejections() throws -> [Rejection] { try remote.rejections() }
    public func release(task: Int64) throws { try remote.release(task: task) }
    public func renew(task: Int64) throws -> Double { try remote.renew(task: task) }
    public func sawFlaggedContent(task: Int64) throws { try remote.sawFlaggedContent(task: task) }
    public func setSpeaker(task: Int64, speaker: String) throws { try remote.setSpeaker(task: task, speaker: speaker) }
    public func reject(annotation: Int64, reason: String) throws { try remote.reject(annotation: annotation, reason: reason) }
    /// Going back needs the server's answer (whether the segment settled meanwhile): these
    /// are asked directly; a failed amendment leaves the text on the person's screen.
    public func submissions(tasks: [Int64]) throws -> [OwnSubmission] {
        try deliveredFirst()
        return try remote.submissions(tasks: tasks)
    }
    public func amend(annotation: Int64, text: String, activeSeconds: Double?) throws -> OwnSubmission {
        try deliveredFirst()
        return try remote.amend(annotation: annotation, text: text, activeSeconds: activeSeconds)
    }
    public func editBoundaries(task: Int64, edit: BoundaryEdit) throws -> BoundaryResult { try remote.editBoundaries(task: task, edit: edit) }
    /// After what waits is delivered, so the task's context includes it.
    public func held(task: Int64) throws -> ClaimedTask {
        try deliveredFirst()
        return try remote.held(task: task)
    }

    /// The held task, with the draft this machine wrote last when it is newer than the server's.
    public func resume(kind: TaskKind?, language: String?) throws -> ClaimedTask? {
        if let next = takeAhead() {
            prefetch(kind: kind, language: language)
            return next
        }
        try deliveredFirst()
        guard var task = try remote.resume(kind: kind, language: language) else { return nil }
        prefetch(kind: kind, language: language)
        if let local = try journal.read({ c in
            try c.query("SELECT text, active_seconds FROM outbox WHERE server = ? AND annotator = ? AND kind = 'draft' AND task_id = ? ORDER BY id DESC LIMIT 1",
                        [.text(server), .text(annotator), .integer(task.taskID)]).first
        }) {
            task.draft = try local.optionalString(Outbox.text)
            task.draftActiveSeconds = try local.optionalDouble(Outbox.activeSeconds)
        }
        return task
    }

    /// Claiming while submissions wait would hand out work before the earlier work arrived:
    /// deliver first, and say so when the server cannot be reached.
    private func deliveredFirst() throws {
        guard waiting > 0 else { return }
        if let error = flush(), waiting > 0 { throw error }
    }

    // MARK: Delivery

    /// One line of the journal.
    struct Entry {
        var id: Int64, kind: String, task: Int64, text: String, activeSeconds: Double?
        var fromMachineDraft: Bool, clientID: String?, reason: SkipReason

        init(row: SQLRow) throws {
            id = try row.int(Outbox.id)
            kind = try row.string(Outbox.kind)
            task = try row.int(Outbox.taskID)
            text = try row.optionalString(Outbox.text) ?? ""
            activeSeconds = try row.optionalDouble(Outbox.activeSeconds)
            fromMachineDraft = try row.bool(Outbox.fromMachineDraft)
            clientID = try row.optionalString(Outbox.clientID)
            reason = try row.optionalString(Outbox.reason).flatMap(SkipReason.init(rawValue:)) ?? .other
        }
    }

    /// Sends what waits, oldest first, until done or the server cannot be reached.
    /// - Returns: why delivery stopped (the server away, the login refused), or nil when
    ///   nothing is left.
    @discardableResult
    func flush() -> ProjectError? {
        flushing.lock()
        defer { flushing.unlock(); refreshCount() }
        let entries = (try? journal.read { c in
            try c.query("SELECT * FROM outbox WHERE server = ? AND annotator = ? ORDER BY id", [.text(server), .text(annotator)]).map(Entry.init(row:))
        }) ?? []
        for entry in entries {
            do {
                switch entry.kind {
                case "submit":
                    let result = try remote.submit(task: entry.task, text: entry.text, activeSeconds: entry.activeSeconds,
                                                   fromMachineDraft: entry.fromMachineDraft, clientID: entry.clientID)
                    if !result.counted { note("Task \(entry.task) arrived after its lease lapsed: kept as an extra annotation.") }
                    forget(draftsOf: entry.task)
                case "skip":
                    try remote.skip(task: entry.task, reason: entry.reason, comment: entry.text.isEmpty ? nil : entry.text, activeSeconds: entry.activeSeconds)
                default:
                    try remote.saveDraft(task: entry.task, text: entry.text, activeSeconds: entry.activeSeconds)
                }
            } catch let error as ProjectError where error.code == .store || error.code == .unauthorized {
                // Away, or access refused: everything stays written down, in order, for later.
                if error.code == .unauthorized && !state.withLock({ loginRefused }) {
                    note("The server refused your login: what waits is kept here for when access returns.")
                }
                state.withLock { loginRefused = error.code == .unauthorized }
                return error
            } catch {
                // Refused for good (a draft of a task no longer theirs, a submission the server
                // will not take): the text goes to a file, and the person is told where.
                if !entry.text.isEmpty {
                    let file = keep(entry.text, task: entry.task, kind: entry.kind, reason: "\(error)")
                    note("The server would not take your \(entry.kind) of task \(entry.task) (\(error)); the text is kept in \(file ?? "nothing")")
                }
            }
            try? journal.write { c in try c.execute("DELETE FROM outbox WHERE id = ?", [.integer(entry.id)]) }
        }
        state.withLock { loginRefused = false }
        return nil
    }

    private func forget(draftsOf task: Int64) {
        try? journal.write { c in
            try c.execute("DELETE FROM outbox WHERE server = ? AND annotator = ? AND kind = 'draft' AND task_id = ?",
                          [.text(server), .text(annotator), .integer(task)])
        }
    }

    private func note(_ text: String) { state.withLock { notices.append(text) } }

    private func refreshCount() {
        let n = (try? journal.read { c in
            try c.query("SELECT COUNT(*) AS n FROM outbox WHERE server = ? AND annotator = ? AND kind <> 'draft'", [.text(server), .text(annotator)])
                .first?.int(Count.n) ?? 0
        }) ?? 0
        state.withLock { pending = Int(n) }
    }

    private func keep(_ text: String, task: Int64, kind: String, reason: String) -> String? {
        guard !text.isEmpty else { return nil }
        let path = recoveryFolder + "/\(annotator)-task\(task)-\(Int(Date().timeIntervalSince1970)).txt"
        do {
            try FileManager.default.createDirectory(atPath: recoveryFolder, withIntermediateDirectories: true)
            try "\(kind) of task \(task) on \(server), refused: \(reason)\n\(text)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        } catch {
            return nil
        }
    }
}

/// The journal's one table.
enum Outbox: String, TableColumns {
    static let table = "outbox"
    case id, server, annotator, kind, taskID = "task_id", text, activeSeconds = "active_seconds", fromMachineDraft = "from_machine_draft"
    case clientID = "client_id", reason, createdAt = "created_at"
}

private enum Count: String { case n }
