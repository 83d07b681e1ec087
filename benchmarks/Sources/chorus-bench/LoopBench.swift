import ChorusPlayback
import Foundation
import TestSupport

/// The annotation loop's responsiveness on the sample corpus: a transcriber types a line and
/// presses Enter on every Swahili segment in the real `chorus transcribe`, in a pseudo-terminal
/// (tmux); the loop logs, per submission, the store's submit-and-claim time and the delay from
/// Enter to the next clip's first samples reaching the sink (a null sink here: no sound card).
/// Baseline: decoding the same clips alone.
func runLoopBenchmark(folder: String, chorus: String) throws {
    let project = folder + "/loop-project"
    try? FileManager.default.removeItem(atPath: project)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let corpus = FileManager.default.currentDirectoryPath + "/Corpora/sample/audio"
    for args in [
        ["init", project, "--source-lang", "sw", "--target-lang", "en", "--redundancy", "1"],
        ["segment", corpus + "/sw-soko.flac", corpus + "/sw-kijiji.flac", "--project", project, "--quiet"],
        ["annotators", "add", "amina", "--languages", "sw", "--project", project],
    ] {
        guard try runChild([chorus] + args).status == 0 else { throw BenchError("chorus \(args[0]) failed") }
    }
    let log = project + "/timing.jsonl"
    let screen = try TmuxScreen(
        "exec '\(chorus)' transcribe --as amina --project '\(project)' --audio none --timing-log '\(log)'",
        columns: 100, rows: 30, environment: ["NO_COLOR": "1"])
    var segments = 0
    func logged() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
    // The pay terms come first, once; their screen ignores keys for its first half second.
    try screen.waitFor("I have read this")
    Thread.sleep(forTimeInterval: 0.6)
    try screen.press("Enter")
    try screen.waitFor("▶ playing")
    while true {
        try screen.type("Habari ya asubuhi, mwalimu.")
        try screen.waitFor("> Habari ya asubuhi, mwalimu.")
        try screen.press("Enter")
        segments += 1
        // The next clip's audio has started when the loop logs the submission.
        let next = try screen.waitUntil("the next clip's audio or an empty queue", timeout: 20) { s in
            s.contains("Nothing for you to do") || logged() >= segments
        }
        if next.contains("Nothing for you to do") { break }
    }
    let pid = try screen.pid()
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let rss = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }.map { $0 * 1024 } ?? 0
    try screen.press("C-q")
    try screen.waitForExit()

    var toAudio: [Double] = [], store: [Double] = []
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        if let a = object["enter_to_audio_ms"] as? Double { toAudio.append(a) }
        if let s = object["store_ms"] as? Double { store.append(s) }
    }
    // Baseline: the clips decoded on their own, as the loop's loader does.
    var decode: [Double] = []
    let segmentsJSON = try runChildOutput([chorus, "segment", corpus + "/sw-soko.flac", corpus + "/sw-kijiji.flac", "--dry-run"])
    for line in segmentsJSON.split(separator: "\n") {
        guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let file = o["file"] as? String, let start = o["start"] as? Double, let end = o["end"] as? Double else { continue }
        let t0 = Player.now()
        _ = try AudioClip.load(path: file, start: start, end: end)
        decode.append((Player.now() - t0) * 1000)
    }
    print("Chorus annotation loop: \(segments) segments of the sample corpus typed and submitted in `chorus transcribe` (release build, tmux, null sink).")
    print("Baseline: decoding each clip alone (AudioClip.load), median \(fmt(median(decode))) ms.")
    print(columns(["measure", "median", "p95", "max", "n"]))
    print(columns(["Enter to audio", "\(fmt(median(toAudio))) ms", "\(fmt(percentile(toAudio, 0.95))) ms", "\(fmt(toAudio.max() ?? 0)) ms", "\(toAudio.count)"]))
    print(columns(["submit + claim", "\(fmt(median(store))) ms", "\(fmt(percentile(store, 0.95))) ms", "\(fmt(store.max() ?? 0)) ms", "\(store.count)"]))
    print("Enter to audio over clip decode: \(fmt(median(toAudio) / max(0.001, median(decode))))x (median). Target: under 100 ms. Peak RSS of the loop: \(mb(rss)).")
}

func median(_ xs: [Double]) -> Double { percentile(xs, 0.5) }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return 0 }
    let sorted = xs.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// Standard output of a child process.
func runChildOutput(_ argv: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
