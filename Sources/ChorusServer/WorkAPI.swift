import ChorusAPI
import ChorusStore
import ChorusSupport
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus

/// The work API: every route, each acting as the person whose token the request carries,
/// through the project's store (a `LocalWorkBackend` for that person). Store work runs on its
/// own threads, so a slow transaction never holds up the event loop.
struct WorkAPI: Sendable {
    let project: Project
    let options: ServerOptions
    let pool: NIOThreadPool
    let logger: Logger
    let limiter: RateLimiter
    /// Login attempts per client address: a few a minute.
    let logins = RateLimiter(rate: 0.2, burst: 10)

    init(project: Project, options: ServerOptions, pool: NIOThreadPool, logger: Logger) {
        self.project = project
        self.options = options
        self.pool = pool
        self.logger = logger
        limiter = RateLimiter(rate: options.requestsPerSecond, burst: options.burst)
    }

    /// Every route's path and methods, for a 405 with `Allow` on a known path and an unknown
    /// method (the router answers 404 for those). `ServerTests` checks it against the router.
    static let routes: [(path: String, methods: [String])] = [
        ("/v1/health", ["GET"]), ("/v1/ready", ["GET"]), ("/v1/openapi.yaml", ["GET"]), ("/metrics", ["GET"]), ("/v1/login", ["POST"]),
        ("/v1/settings", ["GET"]), ("/v1/me", ["GET"]), ("/v1/terms", ["GET"]), ("/v1/terms/seen", ["POST"]), ("/v1/tasks/claim", ["POST"]),
        ("/v1/tasks/held", ["GET"]), ("/v1/tasks/:task", ["GET"]), ("/v1/tasks/:task/clip", ["GET"]), ("/v1/tasks/:task/draft", ["PUT"]), ("/v1/tasks/:task/submit", ["POST"]),
        ("/v1/tasks/:task/skip", ["POST"]), ("/v1/tasks/:task/release", ["POST"]), ("/v1/tasks/:task/speaker", ["POST"]), ("/v1/tasks/:task/renew", ["POST"]),
        ("/v1/tasks/:task/listen", ["POST"]), ("/v1/tasks/:task/reject", ["POST"]), ("/v1/rejections", ["GET"]),
        ("/v1/rejections/:annotation/appeal", ["POST"]),
        ("/v1/tasks/:task/boundaries", ["POST"]), ("/v1/submissions", ["GET"]), ("/v1/submissions/:annotation/amend", ["POST"]),
        ("/v1/submissions/:annotation/clip", ["GET"]),
    ]

    /// The methods `path` takes, or nil for a path that is no route.
    static func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/", omittingEmptySubsequences: false) } ?? []
        for route in routes {
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == parts.count else { continue }
            if zip(template, parts).allSatisfy({ $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }) { return route.methods }
        }
        return nil
    }

    func router(registry: PrometheusCollectorRegistry) -> Router<ChorusContext> {
        let router = Router(context: ChorusContext.self)
        // Outermost first: metrics see the status the client gets, after Outcome turned errors
        // into answers.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: Outcome(logger: logger))
        if !options.corsOrigins.isEmpty { router.add(middleware: CrossOrigin(origins: Set(options.corsOrigins))) }

        // Open to anyone: health, readiness, the API's description, metrics, and logging in.
        router.get("/v1/health") { _, _ in Self.json(["status": "ok"]) }
        router.get("/v1/ready") { _, _ in
            do {
                _ = try await self.store { try project.store.counts() }
                return Self.json(["status": "ready"])
            } catch {
                return Self.json(ErrorAnswer(error: .init(code: "store", message: "the store cannot be reached")), status: .serviceUnavailable)
            }
        }
        router.get("/v1/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.post("/v1/login") { request, context in
            let remote = context.remote(request) ?? "local"
            if let wait = logins.take("login " + remote) { throw APIError.tooMany(wait) }
            let body = try await Self.decode(LoginBody.self, request, context, seconds: options.bodySeconds)
            guard body.code.count <= 64 else { throw APIError(.badRequest, "invalid-input", "an invite code is four groups of four characters") }
            let answer = try await store { try project.store.exchange(code: body.code, from: remote) }
            return Self.json(LoginAnswer(token: answer.token, annotator: answer.annotator))
        }

        // Everything else acts as one person.
        let me = router.group("/v1").add(middleware: Authenticate(api: self))
        me.get("settings") { _, _ in Self.json(ClientSettings(project.config)) }
        me.get("me") { request, context in
            let person = try context.requirePerson()
            let since = try Self.number(request, "since") ?? Self.dayStart()
            let answer = try await store {
                let backend = self.backend(person)
                let progress = try backend.progress(since: Date(timeIntervalSince1970: since), kind: nil, language: nil)
                return MeAnswer(annotator: person.name, languages: person.languages.map(\.value), creditName: person.creditName,
                                avoidDistressing: person.avoidDistressing, termsSeenAt: person.termsSeenAt, progress: progress,
                                pay: try backend.pay(since: Date(timeIntervalSince1970: since)).map {
                                    PayLine.Shown($0, places: Currency.minorUnits(project.config.currency) ?? 2)
                                })
            }
            return Self.json(answer)
        }
        me.get("terms") { _, context in
            let person = try context.requirePerson()
            return Self.json(TermsAnswer(terms: try await store { try self.backend(person).terms() }))
        }
        me.post("terms/seen") { request, context in
            let person = try context.requirePerson()
            try await store { try self.backend(person).acknowledgeTerms() }
            try await audit(person, "terms-seen", request, context)
            return Response(status: .noContent)
        }
        me.post("tasks/claim") { request, context in
            let person = try context.requirePerson()
            let body = try await Self.decode(ClaimBody.self, request, context, seconds: options.bodySeconds, empty: ClaimBody())
            do {
                let task = try await store { try self.backend(person).claim(kind: body.kind, language: body.language) }
                try await audit(person, "claim", request, context, task: task.taskID)
                return Self.json(TaskAnswer(task: APITask(task)))
            } catch let error as ProjectError where error.code == .nothingToDo || error.code == .dailyCapReached {
                return Self.json(TaskAnswer(task: nil, idle: error.code.name, message: error.message))
            }
        }
        me.get("tasks/held") { request, context in
            let person = try context.requirePerson()
            let kind = try request.uri.queryParameters.get("kind").map { value in
                guard let k = TaskKind(rawValue: value) else { throw APIError(.badRequest, "invalid-input", "kind is transcribe, translate or review") }
                return k
            }
            let language = request.uri.queryParameters.get("language")
            let task = try await store { try self.backend(person).resume(kind: kind, language: language) }
            return Self.json(TaskAnswer(task: task.map(APITask.init)))
        }
        me.get("tasks/:task") { _, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let task = try await onTask(id) { try self.backend(person).held(task: id) }
            return Self.json(TaskAnswer(task: APITask(task)))
        }
        me.get("tasks/:task/clip") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let format = try Self.clipFormat(request)
            let context = try Self.clipContext(request)
            let bytes = try await onTask(id) {
                let held = try project.work.heldClip(id, as: person.name)
                return try Clip.encode(path: held.path, start: max(0, held.start - context), end: held.end + context, format: format)
            }
            // Not cached: a boundary moved in the loop changes the clip under the same address.
            return Response(status: .ok, headers: [.contentType: format.mediaType, .cacheControl: "private, no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        me.post("tasks/:task/boundaries") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(BoundaryBody.self, request, context, seconds: options.bodySeconds)
            guard let edit = body.edit else {
                throw APIError(.badRequest, "invalid-input", "action is start, end or split with at (seconds), or merge without it")
            }
            let result = try await onTask(id) { try self.backend(person).editBoundaries(task: id, edit: edit) }
            try await audit(person, "boundaries", request, context, task: id, detail: edit.name)
            return Self.json(result)
        }
        me.get("submissions") { request, context in
            let person = try context.requirePerson()
            let text = request.uri.queryParameters.get("tasks") ?? ""
            let ids = text.split(separator: ",").map { Int64($0) }
            guard !ids.isEmpty, ids.count <= 50, ids.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw APIError(.badRequest, "invalid-input", "tasks is 1 to 50 task ids, separated by commas")
            }
            let found = try await store { try self.backend(person).submissions(tasks: ids.compactMap { $0 }) }
            return Self.json(SubmissionsAnswer(submissions: found.map(Self.located)))
        }
        me.post("submissions/:annotation/amend") { request, context in
            let person = try context.requirePerson()
            let annotation = try Self.annotationID(context)
            let body = try await Self.decode(AmendBody.self, request, context, seconds: options.bodySeconds)
            let amended = try await store { try self.backend(person).amend(annotation: annotation, text: body.text, activeSeconds: body.activeSeconds) }
            try await audit(person, "amend", request, context, task: amended.taskID, detail: "annotation \(annotation)")
            return Self.json(Self.located(amended))
        }
        me.get("submissions/:annotation/clip") { request, context in
            let person = try context.requirePerson()
            let annotation = try Self.annotationID(context)
            let format = try Self.clipFormat(request)
            let context = try Self.clipContext(request)
            let bytes = try await store {
                let own = try project.work.submittedClip(annotation, as: person.name)
                return try Clip.encode(path: own.path, start: max(0, own.start - context), end: own.end + context, format: format)
            }
            return Response(status: .ok, headers: [.contentType: format.mediaType, .cacheControl: "private, no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        me.put("tasks/:task/draft") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(DraftBody.self, request, context, seconds: options.bodySeconds)
            try await onTask(id) { try self.backend(person).saveDraft(task: id, text: body.text, activeSeconds: body.activeSeconds) }
            return Response(status: .noContent)
        }
        me.post("tasks/:task/submit") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(SubmitBody.self, request, context, seconds: options.bodySeconds)
            let result = try await onTask(id) {
                try self.backend(person).submit(task: id, text: body.text, activeSeconds: body.activeSeconds,
                                                fromMachineDraft: body.fromMachineDraft ?? false, clientID: body.submissionID)
            }
            try await audit(person, "submit", request, context, task: id)
            return Self.json(result)
        }
        me.post("tasks/:task/skip") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(SkipBody.self, request, context, seconds: options.bodySeconds)
            try await onTask(id) { try self.backend(person).skip(task: id, reason: body.reason, comment: body.comment, activeSeconds: body.activeSeconds) }
            try await audit(person, "skip", request, context, task: id, detail: body.reason.rawValue)
            return Response(status: .noContent)
        }
        me.post("tasks/:task/release") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            try await onTask(id) { try self.backend(person).release(task: id) }
            try await audit(person, "release", request, context, task: id)
            return Response(status: .noContent)
        }
        me.post("tasks/:task/speaker") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(SpeakerBody.self, request, context, seconds: options.bodySeconds)
            try await onTask(id) { try self.backend(person).setSpeaker(task: id, speaker: body.speaker) }
            try await audit(person, "speaker", request, context, task: id)
            return Response(status: .noContent)
        }
        me.post("tasks/:task/renew") { _, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            return Self.json(RenewAnswer(leaseExpires: try await onTask(id) { try self.backend(person).renew(task: id) }))
        }
        me.post("tasks/:task/listen") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            try await onTask(id) { try self.backend(person).sawFlaggedContent(task: id) }
            try await audit(person, "listen-flagged", request, context, task: id)
            return Response(status: .noContent)
        }
        me.post("tasks/:task/reject") { request, context in
            let person = try context.requirePerson()
            let id = try Self.taskID(context)
            let body = try await Self.decode(RejectBody.self, request, context, seconds: options.bodySeconds)
            try await onTask(id) {
                // Only a version of the review task this person holds right now.
                let held = try project.work.heldTask(id, as: person.name)
                guard held.kind == .review, held.sourceAnnotationIDs.contains(body.annotationID) else {
                    throw ProjectError(code: .notYours, message: "annotation \(body.annotationID) is not a version under review in task \(id)")
                }
                try self.backend(person).reject(annotation: body.annotationID, reason: body.reason)
            }
            try await audit(person, "reject", request, context, task: id, detail: "annotation \(body.annotationID)")
            return Response(status: .noContent)
        }
        me.get("rejections") { _, context in
            let person = try context.requirePerson()
            return Self.json(try await store { try self.backend(person).rejections().map(APIRejection.init) })
        }
        me.post("rejections/:annotation/appeal") { request, context in
            let person = try context.requirePerson()
            let annotation = try Self.annotationID(context)
            let body = try await Self.decode(AppealBody.self, request, context, seconds: options.bodySeconds)
            _ = try await store { try project.store.appeal(annotation: annotation, as: person.name, comment: body.comment) }
            try await audit(person, "appeal", request, context, detail: "annotation \(annotation)")
            return Response(status: .noContent)
        }
        return router
    }

    // MARK: Helpers

    func backend(_ person: Annotator) -> LocalWorkBackend { LocalWorkBackend(project: project, person: person) }

    /// Runs store work on the store threads.
    func store<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Store work on one task: a task that does not exist answers as one the person does not
    /// hold (403), so ids cannot be probed.
    func onTask<T: Sendable>(_ id: Int64, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await store(body)
        } catch let error as ProjectError where error.code == .notFound {
            throw ProjectError(code: .notYours, message: "task \(id) is not yours")
        }
    }

    /// Appends to the audit log after the action succeeded. A failure to write the entry is
    /// logged, not answered: the person's work is done and stored, and failing the request
    /// would only make their client try it again.
    func audit(_ person: Annotator, _ action: String, _ request: Request, _ context: ChorusContext, task: Int64? = nil, detail: String? = nil) async throws {
        let remote = context.remote(request)
        do {
            try await store { try project.store.audit(actor: person.name, action: action, task: task, remote: remote, detail: detail) }
        } catch {
            logger.error("audit entry not written", metadata: ["action": .string(action), "task": .string(task.map(String.init) ?? "-"), "error": .string("\(error)")])
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // snake_case throughout, as every --json output (types without their own keys, such as
        // the pay line, are converted).
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The request's JSON body, read within `seconds` (a client that trickles it is cut off)
    /// and up to the context's size limit. An empty body is `empty` when given.
    static func decode<T: Decodable & Sendable>(_ type: T.Type, _ request: Request, _ context: ChorusContext, seconds: Double, empty: T? = nil) async throws -> T {
        let limit = context.maxUploadSize
        let body = request.body
        let buffer: ByteBuffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let collected = first else {
                throw APIError(.requestTimeout, "slow-request", "the request body took longer than \(Int(seconds)) s")
            }
            return collected
        }
        if buffer.readableBytes == 0, let empty { return empty }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid-input", "the body is not what this call takes: \(Self.describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : "field '\(p)': "
        }
        switch error {
        case .keyNotFound(let key, let c): return path(c) + "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return path(c) + c.debugDescription
        @unknown default: return "not JSON"
        }
    }

    static func taskID(_ context: ChorusContext) throws -> Int64 {
        guard let id = context.parameters.get("task", as: Int64.self), id > 0 else {
            throw APIError(.badRequest, "invalid-input", "a task id is a positive integer")
        }
        return id
    }

    static func annotationID(_ context: ChorusContext) throws -> Int64 {
        guard let id = context.parameters.get("annotation", as: Int64.self), id > 0 else {
            throw APIError(.badRequest, "invalid-input", "an annotation id is a positive integer")
        }
        return id
    }

    static func clipFormat(_ request: Request) throws -> Clip.Format {
        try request.uri.queryParameters.get("format").map { value in
            guard let f = Clip.Format(rawValue: value) else { throw APIError(.badRequest, "invalid-input", "format is flac, opus or wav") }
            return f
        } ?? .flac
    }

    /// Seconds of audio either side of a clip: a little so a word cut by a boundary can be
    /// heard, up to 5 to hear around the segment.
    static func clipContext(_ request: Request) throws -> Double {
        let context = try number(request, "context") ?? 0
        guard context <= 5 else { throw APIError(.badRequest, "invalid-input", "context is 0 to 5 seconds") }
        return context
    }

    /// A submission as the API shows it: its audio by address, never the server's file path.
    static func located(_ s: OwnSubmission) -> OwnSubmission {
        var s = s
        s.recording = "/v1/submissions/\(s.annotationID)/clip"
        return s
    }

    static func number(_ request: Request, _ name: String) throws -> Double? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else { throw APIError(.badRequest, "invalid-input", "\(name) is seconds since 1970") }
        return value
    }

    static func dayStart() -> Double {
        let t = Date().timeIntervalSince1970
        return t - t.truncatingRemainder(dividingBy: 86_400)
    }
}

extension ChorusContext {
    func requirePerson() throws -> Annotator {
        guard let person else { throw APIError(.unauthorized, "unauthorized", "this call needs a token") }
        return person
    }
}

/// Checks the bearer token on every request (a revoked one fails on the next request) and
/// the token's rate.
struct Authenticate: RouterMiddleware {
    typealias Context = ChorusContext
    let api: WorkAPI

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count <= 200, header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "unauthorized", "send the token as 'Authorization: Bearer TOKEN' (get one at POST /v1/login with an invite code)")
        }
        // Hashed once: the rate limit's key and the store's lookup.
        let hash = ProjectStore.tokenHash(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        if let wait = api.limiter.take(hash) { throw APIError.tooMany(wait) }
        let remote = context.remote(request)
        var context = context
        context.person = try await api.store { try api.project.store.authenticate(hash: hash, from: remote) }
        return try await next(request, context)
    }
}

/// An error the API answers with its status and `{"error": {"code", "message"}}`.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var retryAfter: Double?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Double? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    static func tooMany(_ wait: Double) -> APIError {
        APIError(.tooManyRequests, "rate-limited", "too many requests; try again in \(Int(wait.rounded(.up))) s", retryAfter: wait)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = WorkAPI.json(ErrorAnswer(error: .init(code: code, message: message)), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { response.headers[.retryAfter] = String(Int(retryAfter.rounded(.up))) }
        return response
    }

    /// The API's answer for any error: the store's codes mapped to statuses; anything
    /// unexpected is a 500 whose details stay in the log.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ProjectError:
            switch e.code {
            case .unauthorized: return APIError(.unauthorized, e.code.name, e.message)
            case .notYours: return APIError(.forbidden, e.code.name, e.message)
            case .notFound: return APIError(.notFound, e.code.name, e.message)
            case .invalidInput, .invalidLanguage: return APIError(.unprocessableContent, e.code.name, e.message)
            case .alreadySubmitted: return APIError(.conflict, e.code.name, e.message)
            case .nothingToDo, .dailyCapReached: return APIError(.conflict, e.code.name, e.message)
            case .store: return APIError(.serviceUnavailable, "store", "the store is not answering; try again shortly")
            default: return APIError(.internalServerError, "internal", "the server could not do that")
            }
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "too-large", "the request body is over 64 KiB")
        case let e as HTTPError:
            let code = e.status == .contentTooLarge ? "too-large" : e.status == .notFound ? "not-found" : "invalid-input"
            return APIError(e.status, code, e.body ?? e.status.reasonPhrase)
        case let e as any HTTPResponseError:
            return APIError(e.status, e.status == .notFound ? "not-found" : "invalid-input", e.status.reasonPhrase)
        case let e as any ChorusError:
            return APIError(.unprocessableContent, e.errorCode, e.message)
        default:
            return APIError(.internalServerError, "internal", "the server could not do that")
        }
    }
}

/// Turns every error into the API's JSON error, and logs one line a request: method, route,
/// status, milliseconds, person, remote address. Never a text, a token or a body.
struct Outcome: RouterMiddleware {
    typealias Context = ChorusContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        var failure: (any Error)?
        do {
            response = try await next(request, context)
        } catch {
            failure = error
            response = try APIError.from(error).response(from: request, context: context)
            // A known path asked with a method it does not take.
            if response.status == .notFound, let allowed = WorkAPI.methods(for: request.uri.path), !allowed.contains(request.method.rawValue) {
                response = WorkAPI.json(ErrorAnswer(error: .init(code: "method-not-allowed", message: "\(request.uri.path) takes \(allowed.joined(separator: ", "))")),
                                        status: .methodNotAllowed)
                response.headers[.allow] = allowed.joined(separator: ", ")
            }
        }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(response.status.code), "ms": .string(String(format: "%.1f", ms)),
            "remote": .string(context.remote(request) ?? "-"),
        ]
        if let failure, response.status.code >= 500 { metadata["error"] = .string(String(describing: failure)) }
        logger.log(level: response.status.code >= 500 ? .error : .info, "request", metadata: metadata)
        return response
    }
}

/// CORS for the configured origins only: preflights answered, the origin echoed.
struct CrossOrigin: RouterMiddleware {
    typealias Context = ChorusContext
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        var response: Response
        if request.method == .options {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}
