import ChorusAudio
import ChorusStore
import Foundation
import TestSupport

/// `chorus serve` under load: two instances behind nginx on PostgreSQL, simulated annotators
/// (a thread and a keep-alive connection each) doing task cycles (held?, claim, clip download,
/// two drafts, submit). Two runs: 50 annotators working flat out (the throughput), and 500
/// connected annotators each pausing between cycles (the latency people feel at that size).
func runServeBenchmark(folder: String, chorus: String) throws {
    guard let admin = ProcessInfo.processInfo.environment["CHORUS_TEST_POSTGRES_URL"] else {
        print("chorus serve benchmark: needs PostgreSQL (run through `make bench`)")
        return
    }
    print("chorus serve: 2 instances (--connections 8) behind nginx, PostgreSQL, all on these \(ProcessInfo.processInfo.activeProcessorCount) cores with the load generator.")
    print("A cycle: POST claim, GET clip (FLAC, 2 s), PUT draft twice, POST submit (and GET held first after a failure). Latencies are the client's, through nginx.")
    print(columns(["annotators", "pause", "cycles", "cycles/s", "claim p50", "claim p99", "submit p50", "submit p99", "clip p50", "clip p99", "server CPU", "server RSS", "postgres", "nginx", "clients"]))
    for (people, pause, seconds) in [(50, 0.0, 15.0), (500, 4.0, 20.0)] {
        let name = "chorus_serve_bench_\(people)_\(getpid())"
        guard try Spawn.run(["psql", admin, "-qAt", "-c", "DROP DATABASE IF EXISTS \(name)", "-c", "CREATE DATABASE \(name)"]) == 0 else {
            throw BenchError("cannot create \(name)")
        }
        guard var url = URLComponents(string: admin) else { throw BenchError("bad CHORUS_TEST_POSTGRES_URL") }
        url.path = "/" + name
        let project = "\(folder)/serve-\(people)"
        try? FileManager.default.removeItem(atPath: project)
        let tokens = try makeServeProject(folder: project, database: url.string ?? "", segments: 20_000, people: people)
        let a = try ServeProcess(project: project, logs: folder, name: "serve-a-\(people)", arguments: ["--connections", "8", "--rate-limit", "10000"])
        let b = try ServeProcess(project: project, logs: folder, name: "serve-b-\(people)", arguments: ["--connections", "8", "--rate-limit", "10000"])
        let nginx = try NginxProcess(folder: folder, upstreams: [a.port, b.port], tls: try TestTLS(in: folder))
        let cpuBefore = cpuSeconds(a.daemon.pid) + cpuSeconds(b.daemon.pid)
        let othersBefore = (cpuSeconds(named: "postgres"), cpuSeconds(named: "nginx"), cpuSeconds(getpid()))
        let lock = NSLock()
        nonisolated(unsafe) var workers: [SimulatedAnnotator] = []
        nonisolated(unsafe) var errors: [String] = []
        let stop = Date().addingTimeInterval(seconds)
        let group = DispatchGroup()
        for (i, token) in tokens.enumerated() {
            let worker = SimulatedAnnotator(name: "p\(i)", token: token, port: nginx.plainPort)
            workers.append(worker)
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                // Spread the starts over the first pause so 500 people do not arrive at once.
                if pause > 0 { Thread.sleep(forTimeInterval: Double.random(in: 0..<pause)) }
                do {
                    while Date() < stop, try worker.cycle() {
                        if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                    }
                } catch {
                    lock.withLock { errors.append("\(error)") }
                }
            }
        }
        group.wait()
        let elapsed = seconds
        let cpu = cpuSeconds(a.daemon.pid) + cpuSeconds(b.daemon.pid) - cpuBefore
        let others = (cpuSeconds(named: "postgres") - othersBefore.0, cpuSeconds(named: "nginx") - othersBefore.1, cpuSeconds(getpid()) - othersBefore.2)
        let rss = max(peakRSS(a.daemon.pid), peakRSS(b.daemon.pid))
        let cycles = workers.map(\.acknowledged.count).reduce(0, +)
        let claims = workers.flatMap(\.timing.claim), submits = workers.flatMap(\.timing.submit), clips = workers.flatMap(\.timing.clip)
        func ms(_ xs: [Double], _ p: Double) -> String { xs.isEmpty ? "-" : String(format: "%.1f ms", percentile(xs, p)) }
        print(columns([
            "\(people)", pause > 0 ? "\(pause) s" : "none", "\(cycles)", String(format: "%.0f", Double(cycles) / elapsed),
            ms(claims, 0.5), ms(claims, 0.99), ms(submits, 0.5), ms(submits, 0.99), ms(clips, 0.5), ms(clips, 0.99),
            String(format: "%.0f%%", cpu / elapsed * 100), String(format: "%.1f MB", Double(rss) / 1e6),
            String(format: "%.0f%%", others.0 / elapsed * 100), String(format: "%.0f%%", others.1 / elapsed * 100), String(format: "%.0f%%", others.2 / elapsed * 100),
        ]))
        if !errors.isEmpty { print("  \(errors.count) annotators stopped on an error, the first: \(errors[0])") }
        a.daemon.signal(SIGTERM)
        b.daemon.signal(SIGTERM)
        _ = a.daemon.wait(seconds: 10)
        _ = b.daemon.wait(seconds: 10)
        nginx.daemon.signal(SIGTERM)
        _ = nginx.daemon.wait(seconds: 5)
        _ = try Spawn.run(["psql", admin, "-qAt", "-c", "DROP DATABASE IF EXISTS \(name)"])
    }
    print("Targets: at least 300 cycles/s; claim and submit p99 under 100 ms at 500 annotators; each instance under 150 MB RSS.")
    print("CPU: time over the run's wall time (200% is both cores) of both chorus serve instances, PostgreSQL's processes, nginx and the")
    print("load generator (this process). server RSS: the larger instance's peak. PostgreSQL backends that ended during the run are not counted.")
}

/// A project whose segments are 2 s slices of one generated recording, with `people`
/// annotators and a token each (exchanged in process: logins over HTTP are rate-limited per
/// address, and every simulated person is on 127.0.0.1).
func makeServeProject(folder: String, database: String, segments: Int, people: Int) throws -> [String] {
    var config = ProjectConfig(sourceLanguage: try LanguageTag("sw"), targetLanguages: [])
    config.database = database
    config.redundancy = 1
    let project = try Project.create(at: folder, config: config)
    let audio = folder + "/speech.flac"
    let rate = 16_000, seconds = 120
    var samples = [Float](repeating: 0, count: rate * seconds)
    var generator = SystemRandomNumberGenerator()
    for i in samples.indices { samples[i] = Float(sin(Double(i) * 0.05)) * 0.3 + Float.random(in: -0.05...0.05, using: &generator) }
    try AudioWriter.withWriter(path: audio, type: .flac, encoding: .pcm16, sampleRate: rate, channels: 1) { try $0.write(samples) }
    var spans: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)] = []
    for i in 0..<segments {
        let start = Double(i % (seconds / 2 - 1)) * 2 + Double(i / (seconds / 2 - 1)) * 1e-6
        spans.append((start, start + 2, start, start + 2))
    }
    var recording = NewRecording(
        sha256: "serve-bench", path: audio, duration: Double(seconds), sampleRate: rate, channels: 1,
        container: "FLAC", encoding: "PCM 16", segmenter: "{}", segments: spans)
    recording.transcriptionTasks = ("sw", 1)
    try project.store.add(recording)
    var tokens: [String] = []
    for p in 0..<people {
        try project.store.addAnnotator(name: "p\(p)", languages: [try LanguageTag("sw")], rate: nil, creditName: nil)
        tokens.append(try project.store.exchange(code: try project.store.invite("p\(p)").code, from: "bench").token)
    }
    return tokens
}

func cpuSeconds(_ pid: pid_t) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // utime and stime are fields 14 and 15; after the command name they are the 12th and 13th.
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// CPU seconds of every process whose command is `name` (PostgreSQL's backends, nginx).
func cpuSeconds(named name: String) -> Double {
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
    return pids.reduce(0) { sum, pid in
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return comm == name ? sum + cpuSeconds(pid) : sum
    }
}

func peakRSS(_ pid: pid_t) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }.map { $0 * 1024 } ?? 0
}
