import Foundation

/// `chorus-bench queue`: claim+submit throughput and latency with 1 and 8 worker processes
/// on a fresh project each time. Throughput counts every cycle over the wall time from the
/// first worker's start to the last one's exit, process start-up included.
func runQueueBenchmarks(folder: String, self binary: String) throws {
    print("Work queue benchmark (SQLite): claim + submit cycles by separate worker processes.")
    print(columns(["engine", "workers", "cycles", "wall", "cycles/s", "p50", "p99"]))
    for (workers, cycles) in [(1, 2000), (8, 500)] {
        let project = "\(folder)/queue-\(workers)"
        try? FileManager.default.removeItem(atPath: project)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: binary)
        // One person takes one slot per segment: a lone worker needs a segment per cycle.
        let segments = workers == 1 ? cycles + 100 : workers * cycles * 5 / 8 + 200
        make.arguments = ["queue-project", project, String(segments), String(workers)]
        try make.run()
        make.waitUntilExit()
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
        print(columns(["sqlite", "\(workers)", "\(latencies.count)", String(format: "%.2f s", wall), String(format: "%.0f", Double(latencies.count) / wall), pct(0.5), pct(0.99)]))
    }
    print("Targets: at least 1,000 cycles/s with 8 workers, p99 under 50 ms.")
}
