import ChorusAPI
import ChorusStore
import Foundation

/// The work through `chorus serve`, as one person with a token: the same ``WorkBackend`` the
/// terminal loop uses locally, over HTTPS. A call that fails for want of the network throws
/// ``ProjectError`` `.store` (the loop keeps the text and tries again); the server's own answers
/// come back as the codes the local store would throw.
public final class RemoteWorkBackend: WorkBackend, @unchecked Sendable {
    public let annotator: String
    public let config: ProjectConfig
    /// The server, such as `https://annotate.example.org`.
    public let server: URL
    let token: String
    let http: HTTPClient

    /// Bytes sent to and received from the server so far.
    public var bytes: (sent: Int, received: Int) { (http.sent, http.received) }

    /// Connects: reads who the token belongs to and the project's settings.
    /// - Parameter caFile: a PEM file with the CA that signed the server's certificate, when it
    ///   is a private one.
    /// - Throws: ``ProjectError`` `.unauthorized` for a token the server refuses, `.store` when
    ///   it cannot be reached.
    public init(server: URL, token: String, caFile: String? = nil, timeout: Double = 30) throws {
        self.server = server
        self.token = token
        http = try HTTPClient(caFile: caFile, timeout: timeout)
        let settings: ClientSettings = try Self.decode(try Self.send(http, server, token, "GET", "/v1/settings", nil))
        annotator = (try Self.decode(try Self.send(http, server, token, "GET", "/v1/me", nil)) as MeAnswer).annotator
        config = try settings.config()
    }

    /// The same person on a second connection (for work fetched in the background).
    func secondConnection() throws -> RemoteWorkBackend { try RemoteWorkBackend(copying: self) }

    private init(copying other: RemoteWorkBackend) throws {
        server = other.server
        token = other.token
        annotator = other.annotator
        config = other.config
        http = try HTTPClient(caFile: other.http.caFile, timeout: other.http.timeout)
    }

    // MARK: WorkBackend

    public func me() throws -> Annotator {
        let me: MeAnswer = try Self.decode(try call("GET", "/v1/me"))
        return Annotator(id: 0, name: me.annotator, languages: me.languages.compactMap { try? LanguageTag($0) }, creditName: me.creditName,
                         avoidDistressing: me.avoidDistressing, termsSeenAt: me.termsSeenAt)
    }

    public func terms() throws -> String { (try Self.decode(try call("GET", "/v1/terms")) as TermsAnswer).terms }
    public func acknowledgeTerms() throws { _ = try call("POST", "/v1/terms/seen") }

    public func resume(kind: TaskKind?, language: String?) throws -> ClaimedTask? {
        var query: [String] = []
        if let kind { query.append("kind=\(kind.rawValue)") }
        if let language, let escaped = language.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { query.append("language=\(escaped)") }
        let answer: TaskAnswer = try Self.decode(try call("GET", "/v1/tasks/held" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))))
        return answer.task.map { $0.claimed(on: server) }
    }

    public func claim(kind: TaskKind?, language: String?) throws -> ClaimedTask {
        var body: [String: String] = [:]
        if let kind { body["kind"] = kind.rawValue }
        if let language { body["language"] = language }
        let answer: TaskAnswer = try Self.decode(try call("POST", "/v1/tasks/claim", body))
        if let task = answer.task { return task.claimed(on: server) }
        let code = answer.idle.flatMap(ProjectError.Code.named) ?? .nothingToDo
        throw ProjectError(code: code, message: answer.message ?? "no task for \(annotator) right now")
    }

    public func progress(since: Date, kind: TaskKind?, language: String?) throws -> ChorusStore.Progress {
        (try Self.decode(try call("GET", "/v1/me?since=\(since.timeIntervalSince1970)")) as MeAnswer).progress
    }

    public func pay(since: Date) throws -> PayLine? {
        (try Self.decode(try call("GET", "/v1/me?since=\(since.timeIntervalSince1970)")) as MeAnswer).pay?.line
    }

    public func rejections() throws -> [Rejection] {
        (try Self.decode(try call("GET", "/v1/rejections")) as [APIRejection]).map(\.rejection)
    }

    public func saveDraft(task: Int64, text: String, activeSeconds: Double?) throws {
        _ = try call("PUT", "/v1/tasks/\(task)/draft", DraftBody(text: text, activeSeconds: activeSeconds))
    }

    public func submit(task: Int64, text: String, activeSeconds: Double?, fromMachineDraft: Bool, clientID: String?) throws -> Submission {
        try Self.decode(try call("POST", "/v1/tasks/\(task)/submit",
                                 SubmitBody(text: text, activeSeconds: activeSeconds, fromMachineDraft: fromMachineDraft, submissionID: clientID)))
    }

    public func skip(task: Int64, reason: SkipReason, comment: String?, activeSeconds: Double?) throws {
        _ = try call("POST", "/v1/tasks/\(task)/skip", SkipBody(reason: reason, comment: comment, activeSeconds: activeSeconds))
    }

    public func held(task: Int64) throws -> ClaimedTask {
        let answer: TaskAnswer = try Self.decode(try call("GET", "/v1/tasks/\(task)"))
        guard let held = answer.task else { throw ProjectError(code: .notYours, message: "task \(task) is not held by \(annotator) right now") }
        return held.claimed(on: server)
    }

    /// Own submissions; each one's `recording` becomes its clip's full URL.
    public func submissions(tasks: [Int64]) throws -> [OwnSubmission] {
        guard !tasks.isEmpty else { return [] }
        let answer: SubmissionsAnswer = try Self.decode(try call("GET", "/v1/submissions?tasks=" + tasks.map(String.init).joined(separator: ",")))
        return answer.submissions.map(located)
    }

    public func amend(annotation: Int64, text: String, activeSeconds: Double?) throws -> OwnSubmission {
        located(try Self.decode(try call("POST", "/v1/submissions/\(annotation)/amend", AmendBody(text: text, activeSeconds: activeSeconds))))
    }

    public func editBoundaries(task: Int64, edit: BoundaryEdit) throws -> BoundaryResult {
        try Self.decode(try call("POST", "/v1/tasks/\(task)/boundaries", BoundaryBody(edit)))
    }

    private func located(_ s: OwnSubmission) -> OwnSubmission {
        var s = s
        s.recording = URL(string: s.recording, relativeTo: server)?.absoluteString ?? s.recording
        return s
    }

    /// The clip of one of this person's own submissions, with `context` seconds either side.
    public func clip(submission: Int64, format: String = "flac", context: Double = 0) throws -> Data {
        try call("GET", "/v1/submissions/\(submission)/clip?format=\(format)&context=\(context)")
    }

    public func release(task: Int64) throws { _ = try call("POST", "/v1/tasks/\(task)/release") }

    public func renew(task: Int64) throws -> Double {
        (try Self.decode(try call("POST", "/v1/tasks/\(task)/renew")) as RenewAnswer).leaseExpires
    }

    public func sawFlaggedContent(task: Int64) throws { _ = try call("POST", "/v1/tasks/\(task)/listen") }
    public func setSpeaker(task: Int64, speaker: String) throws { _ = try call("POST", "/v1/tasks/\(task)/speaker", SpeakerBody(speaker: speaker)) }

    /// Rejects a version of the review task this person holds: the server needs the task, so
    /// the version is looked up among the held review tasks.
    public func reject(annotation: Int64, reason: String) throws {
        guard let held = try resume(kind: .review, language: nil), held.sourceAnnotationIDs.contains(annotation) else {
            throw ProjectError(code: .notYours, message: "annotation \(annotation) is not a version in a review you hold")
        }
        _ = try call("POST", "/v1/tasks/\(held.taskID)/reject", RejectBody(annotationID: annotation, reason: reason))
    }

    /// Appeals the rejection of the person's own text, once.
    public func appeal(annotation: Int64, comment: String) throws {
        _ = try call("POST", "/v1/rejections/\(annotation)/appeal", AppealBody(comment: comment))
    }

    /// Audio added on each side of a clip fetched for the loop, seconds.
    public static let clipContext = 0.25

    /// The clip of a held task, encoded (FLAC, or Opus for slow connections), with `context`
    /// seconds of audio either side.
    public func clip(task: Int64, format: String = "flac", context: Double = 0) throws -> Data {
        try call("GET", "/v1/tasks/\(task)/clip?format=\(format)&context=\(context)")
    }

    // MARK: HTTP

    func call(_ method: String, _ path: String, _ body: (any Encodable)? = nil) throws -> Data {
        try Self.send(http, server, token, method, path, body)
    }

    static func send(_ http: HTTPClient, _ server: URL, _ token: String?, _ method: String, _ path: String, _ body: (any Encodable)?) throws -> Data {
        guard let url = URL(string: path, relativeTo: server) else { throw ProjectError(code: .invalidInput, message: "bad path \(path)") }
        let answer = try http.send(method, url.absoluteString, headers: token.map { ["Authorization: Bearer \($0)"] } ?? [],
                                   body: try body.map { try JSONEncoder().encode($0) })
        guard (200..<300).contains(answer.status) else {
            let error = try? JSONDecoder().decode(ErrorAnswer.self, from: answer.body)
            // A proxy's 502/503/504 and the server's own 503: the server is away for now.
            let code = error.flatMap { ProjectError.Code.named($0.error.code) } ?? (answer.status >= 500 ? .store : .invalidInput)
            throw ProjectError(code: code, message: error?.error.message ?? "the server answered \(answer.status)")
        }
        return answer.body
    }

    static func decode<T: Decodable>(_ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ProjectError(code: .store, message: "the server's answer is not what this chorus expects: \(error)")
        }
    }
}
