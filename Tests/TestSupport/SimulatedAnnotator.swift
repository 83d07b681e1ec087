import Foundation

/// A person working through the server as a client program would: claim (or pick up the task
/// they hold after a lost answer), fetch the clip, save two drafts, submit with a submission
/// id, and retry through failures (a server gone, a 502 from the proxy) with the same id. The
/// scale-out test and the server benchmark run hundreds of these, a thread each.
public final class SimulatedAnnotator: @unchecked Sendable {
    public struct Timing: Sendable {
        public var claim: [Double] = []
        public var submit: [Double] = []
        public var clip: [Double] = []
    }

    public let name: String
    let token: String
    let http: MiniHTTP
    public var timing = Timing()
    /// (task, annotation) of every submission the server acknowledged.
    public private(set) var acknowledged: [(task: Int, annotation: Int)] = []
    public private(set) var retries = 0
    /// Seconds to wait after a failure before trying again.
    let backoff: Double

    public init(name: String, token: String, port: Int, backoff: Double = 0.1) {
        self.name = name
        self.token = token
        http = MiniHTTP(port: port)
        self.backoff = backoff
    }

    /// One request, retried through transport failures and the proxy's 502/503/504 (up to
    /// `attempts` times); other answers are returned as they are.
    func call(_ method: String, _ path: String, body: [String: Any]? = nil, attempts: Int = 100) throws -> MiniHTTP.Answer {
        var last = ""
        for attempt in 0..<attempts {
            if attempt > 0 {
                retries += 1
                Thread.sleep(forTimeInterval: backoff)
            }
            do {
                let answer = try http.request(method, path, token: token, body: body)
                if [502, 503, 504].contains(answer.status) {
                    last = "status \(answer.status)"
                    continue
                }
                return answer
            } catch {
                last = "\(error)"
            }
        }
        throw MiniHTTP.Failure(description: "\(name): \(method) \(path) failed \(attempts) times: \(last)")
    }

    /// After a failure, a claim's answer may have been lost with the task held: the next cycle
    /// asks for the held task first. A loss the client never sees can leave one held too: the
    /// proxy passes a claim whose instance died after leasing on to the other instance
    /// (`proxy_next_upstream ... non_idempotent`), which leases another; so before taking "nothing
    /// to do" for an answer the person asks for what they hold, as `chorus transcribe` does
    /// before every claim.
    private var mayHold = true

    /// One task cycle; false when there is no work left.
    public func cycle() throws -> Bool {
        var started = Date()
        var answer = MiniHTTP.Answer(status: 0, body: [])
        var task: [String: Any]?
        if mayHold {
            answer = try call("GET", "/v1/tasks/held")
            task = answer.json()["task"] as? [String: Any]
            mayHold = false
        }
        if task == nil {
            started = Date()
            let retriesBefore = retries
            answer = try call("POST", "/v1/tasks/claim", body: [:])
            task = answer.json()["task"] as? [String: Any]
            // A claim that had to be retried may have leased a task whose answer was lost.
            if retries > retriesBefore { mayHold = true }
            if task == nil && answer.status == 200 {
                answer = try call("GET", "/v1/tasks/held")
                task = answer.json()["task"] as? [String: Any]
            }
        }
        timing.claim.append(Date().timeIntervalSince(started) * 1000)
        guard let task, let id = task["task_id"] as? Int else {
            guard answer.status == 200 else { throw MiniHTTP.Failure(description: "\(name): claim answered \(answer.status): \(answer.text)") }
            return false
        }
        started = Date()
        let clip = try call("GET", "/v1/tasks/\(id)/clip")
        guard clip.status == 200, clip.body.count > 44 else { throw MiniHTTP.Failure(description: "\(name): clip of task \(id): \(clip.status) \(clip.text.prefix(200))") }
        timing.clip.append(Date().timeIntervalSince(started) * 1000)
        for draft in ["habari", "habari ya"] {
            let saved = try call("PUT", "/v1/tasks/\(id)/draft", body: ["text": draft, "active_seconds": 1])
            guard saved.status == 204 else { throw MiniHTTP.Failure(description: "\(name): draft of task \(id): \(saved.status) \(saved.text)") }
        }
        started = Date()
        let submitted = try call("POST", "/v1/tasks/\(id)/submit", body: ["text": "habari ya \(name)", "active_seconds": 1, "submission_id": "\(name)-\(id)"])
        guard submitted.status == 200, let annotation = submitted.json()["annotation_id"] as? Int else {
            throw MiniHTTP.Failure(description: "\(name): submit of task \(id): \(submitted.status) \(submitted.text)")
        }
        timing.submit.append(Date().timeIntervalSince(started) * 1000)
        acknowledged.append((id, annotation))
        return true
    }
}
