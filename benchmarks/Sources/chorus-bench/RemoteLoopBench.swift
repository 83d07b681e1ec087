import Foundation
import TestSupport

/// The annotation loop on an annotator's machine through a slow link: `chorus serve` behind a
/// proxy that delays every byte 150 ms each way (a 300 ms round trip), the real `chorus
/// transcribe` in tmux typing and submitting every segment of the sample corpus's two Swahili
/// recordings. Enter to the next clip's audio (the loop's timing log) and the bytes the proxy
/// carried, per task and per minute of audio.
func runRemoteLoopBenchmark(folder: String, chorus: String) throws {
    let base = folder + "/remote-loop"
    try? FileManager.default.removeItem(atPath: base)
    try FileManager.default.createDirectory(atPath: base + "/laptop/work", withIntermediateDirectories: true)
    let project = base + "/project"
    let corpus = FileManager.default.currentDirectoryPath + "/Corpora/sample/audio"
    for args in [
        ["init", project, "--source-lang", "sw", "--redundancy", "1"],
        ["segment", corpus + "/sw-soko.flac", corpus + "/sw-kijiji.flac", "--project", project, "--quiet"],
        ["annotators", "add", "amina", "--languages", "sw", "--project", project],
    ] {
        guard try runChild([chorus] + args).status == 0 else { throw BenchError("chorus \(args[0]) failed") }
    }
    let invite = try runChildOutput([chorus, "annotators", "invite", "amina", "--project", project, "--json"])
    guard let code = (try JSONSerialization.jsonObject(with: Data(invite.utf8)) as? [String: Any])?["code"] as? String else { throw BenchError("no invite") }
    let server = try ServeProcess(project: project, logs: base)
    let proxy = try DelayProxy(to: server.port, delay: 0.150)
    let laptop = base + "/laptop"
    let environment = ["XDG_CONFIG_HOME": laptop + "/config", "XDG_DATA_HOME": laptop + "/data", "XDG_CACHE_HOME": laptop + "/cache", "HOME": laptop, "NO_COLOR": "1"]
    let url = "http://127.0.0.1:\(proxy.port)"
    let login = Process()
    login.executableURL = URL(fileURLWithPath: chorus)
    login.arguments = ["login", url, "--invite", code]
    login.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    try login.run()
    login.waitUntilExit()
    guard login.terminationStatus == 0 else { throw BenchError("chorus login failed") }
    let loginBytes = proxy.bytes

    let log = base + "/timing.jsonl"
    let screen = try TmuxScreen("cd '\(laptop)/work' && exec '\(chorus)' transcribe --audio none --timing-log '\(log)'",
                                columns: 100, rows: 30, environment: environment)
    func logged() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
    try screen.waitFor("I have read this", timeout: 30)
    Thread.sleep(forTimeInterval: 0.6)
    try screen.press("Enter")
    try screen.waitFor("▶ playing", timeout: 30)
    let startBytes = proxy.bytes
    var segments = 0, audioSeconds = 0.0
    while true {
        // A person listens and types for a few seconds: the next task and its clip arrive meanwhile.
        Thread.sleep(forTimeInterval: 2.0)
        let before = try screen.screen()
        if let range = before.range(of: #"\(([0-9.]+) s\)"#, options: .regularExpression) {
            audioSeconds += Double(before[range].dropFirst().dropLast(3)) ?? 0
        }
        try screen.type("Habari ya asubuhi, mwalimu.")
        try screen.waitFor("> Habari ya asubuhi, mwalimu.")
        try screen.press("Enter")
        segments += 1
        let next = try screen.waitUntil("the next clip's audio or an empty queue", timeout: 30) { s in
            s.contains("Nothing for you to do") || logged() >= segments
        }
        if next.contains("Nothing for you to do") { break }
    }
    try screen.press("C-q")
    try screen.waitForExit(timeout: 30)
    let endBytes = proxy.bytes
    var toAudio: [Double] = []
    for line in ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n") {
        if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let a = o["enter_to_audio_ms"] as? Double { toAudio.append(a) }
    }
    let sent = endBytes.sent - startBytes.sent, received = endBytes.received - startBytes.received
    let minutes = max(audioSeconds / 60, 0.0001)
    print("Chorus annotation loop through a server, 300 ms round trip (a proxy delaying 150 ms each way), \(segments) segments of the sample corpus,")
    print("each typed after 2 s of listening (release build, tmux, null sink; clips as Ogg Opus; the next task and its clip fetched ahead).")
    print(columns(["measure", "median", "p95", "max", "n"]))
    print(columns(["Enter to audio", "\(fmt(median(toAudio))) ms", "\(fmt(percentile(toAudio, 0.95))) ms", "\(fmt(toAudio.max() ?? 0)) ms", "\(toAudio.count)"]))
    print("Target: under 100 ms, as locally.")
    print(String(format: "Data: %.1f KB sent and %.1f KB received per task; %.1f KB per minute of audio (%.2f min of audio in all); login %.1f KB.",
                 Double(sent) / 1000 / Double(max(1, segments)), Double(received) / 1000 / Double(max(1, segments)),
                 Double(sent + received) / 1000 / minutes, minutes, Double(loginBytes.sent + loginBytes.received) / 1000))
    print(String(format: "An hour of audio transcribed: about %.0f MB (a full day, at five times real time for six hours: about %.0f MB).",
                 Double(sent + received) / minutes * 60 / 1e6, Double(sent + received) / minutes * 72 / 1e6))
    server.daemon.signal(SIGTERM)
    _ = server.daemon.wait(seconds: 10)
}
