import Foundation

/// `chorus-bench queue`: claim+submit throughput and latency with 1 and 8 worker processes
/// on a fresh project each time. Throughput counts every cycle over the wall time from the
/// first worker's start to the last one's exit, process start-up included.
func runQueueBenchmarks(folder: String, self binary: String) throws {
    print("Work queue benchmark: claim + submit cycles by separate worker processes, each its own connection.")
    print(columns(["engine", "workers", "cycles", "wall", "cycles/s", "p50", "p99"]))
    let admin = ProcessInfo.processInfo.environment["CHORUS_TEST_POSTGRES_URL"]
    if admin == nil { print("(no PostgreSQL server given: run through `make bench` for both engines)") }
    for engine in admin == nil ? ["sqlite"] : ["sqlite", "postgres"] {
    for (workers, cycles) in [(1, 2000), (8, 500)] {
        let project = "\(folder)/queue-\(engine)-\(workers)"
        var database: [String] = []
        if engine == "postgres", let admin {
            let name = "chorus_bench_\(workers)_\(getpid())"
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            psql.arguments = [admin, "-qAt", "-c", "DROP DATABASE IF EXISTS \(name)", "-c", "CREATE DATABASE \(name)"]
            try psql.run()
            psql.waitUntilExit()
            var url = URLComponents(string: admin)!
            url.path = "/" + name
            database = [url.string!]
        }
        try? FileManager.default.removeItem(atPath: project)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: binary)
        // One person takes one slot per segment: a lone worker needs a segment per cycle.
        let segments = workers == 1 ? cycles + 100 : workers * cycles * 5 / 8 + 200
        make.arguments = ["queue-project", project, String(segments), String(workers)] + database
        try make.run()
        make.waitUntilExit()
        guard make.terminationStatus == 0 else { throw BenchError("cannot create the \(engine) queue project") }
        let start = DispatchTime.now().uptimeNanoseconds
        var pipes: [Pipe] = []
        var processes: [Process] = []
        for w in 0..<workers {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["worker", project, "w\(w)", String(cycles)]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            processes.append(p)
            pipes.append(pipe)
        }
        var latencies: [Double] = []
        for pipe in pipes {
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("submitted") {
                latencies.append(Double(line.split(separator: " ")[3])! / 1000)
            }
        }
        for p in processes { p.waitUntilExit() }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        latencies.sort()
        func pct(_ q: Double) -> String { latencies.isEmpty ? "-" : String(format: "%.2f ms", latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))]) }
        print(columns([engine, "\(workers)", "\(latencies.count)", String(format: "%.2f s", wall), String(format: "%.0f", Double(latencies.count) / wall), pct(0.5), pct(0.99)]))
    }
    }
    print("Targets (SQLite): at least 1,000 cycles/s with 8 workers, p99 under 50 ms.")
}
