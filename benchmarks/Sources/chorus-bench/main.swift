import ChorusAudio
import Foundation

// chorus-bench run                 generate the long recordings (once) and print the comparison, then the queue benchmark
// chorus-bench queue               the work queue benchmark alone
// chorus-bench loop                the annotation loop: Enter to the next clip's audio, in tmux
// chorus-bench metrics             each metric over 100,000 sentence pairs, against the reference packages
// chorus-bench validate            chorus validate over a 100,000-segment project
// chorus-bench export              chorus export of 5 hours of segments in every format
// chorus-bench decode FILE         decode only (a child of `run`)
// chorus-bench trace FILE [A B]    every frame decision between A and B seconds
// chorus-bench worker DIR NAME N   N claim/submit cycles through the work API (reliability test, queue bench)
// chorus-bench queue-project DIR SEGMENTS WORKERS   a project for the worker

let args = Array(CommandLine.arguments.dropFirst())
let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
/// Where the benchmarks write, made absolute: the remote loop runs its client in another
/// folder, where a relative path would name another place.
let benchOut = URL(fileURLWithPath: ProcessInfo.processInfo.environment["BENCH_DIR"] ?? "benchmarks/out").standardizedFileURL.path

do {
    switch args.first {
    case "decode" where args.count == 2:
        _ = try decodeOnly(path: args[1])
    case "trace" where args.count >= 2:
        try trace(path: args[1], from: args.count > 2 ? Double(args[2]) ?? 0 : 0, to: args.count > 3 ? Double(args[3]) ?? .infinity : .infinity)
    case "run":
        try runBenchmarks()
        print("")
        try runQueueBenchmarks(folder: benchOut, self: "\(here)/chorus-bench")
        print("")
        try runLoopBenchmark(folder: benchOut, chorus: "\(here)/chorus")
        print("")
        try runRemoteLoopBenchmark(folder: benchOut, chorus: "\(here)/chorus")
        print("")
        try runMetricsBenchmark(folder: benchOut, chorus: "\(here)/chorus")
        print("")
        try runValidateBenchmark(folder: benchOut, chorus: "\(here)/chorus")
        print("")
        try runExportBenchmark(folder: benchOut, chorus: "\(here)/chorus", bench: "\(here)/chorus-bench")
        print("")
        try runServeBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "segment":
        try runBenchmarks()
    case "remote-loop":
        try runRemoteLoopBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "serve":
        try runServeBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "export":
        try runExportBenchmark(folder: benchOut, chorus: "\(here)/chorus", bench: "\(here)/chorus-bench")
    case "validate":
        try runValidateBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "metrics":
        try runMetricsBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "loop":
        try runLoopBenchmark(folder: benchOut, chorus: "\(here)/chorus")
    case "queue":
        try runQueueBenchmarks(folder: benchOut, self: "\(here)/chorus-bench")
    case "worker" where args.count == 4:
        try worker(project: args[1], as: args[2], cycles: Int(args[3]) ?? 0)
    case "queue-project" where args.count == 4 || args.count == 5:
        try makeQueueProject(folder: args[1], segments: Int(args[2]) ?? 0, workers: Int(args[3]) ?? 0, database: args.count == 5 ? args[4] : nil)
    default:
        print("usage: chorus-bench run | serve | remote-loop | queue | loop | metrics | validate | export | decode FILE | trace FILE [FROM TO] | worker DIR NAME CYCLES | queue-project DIR SEGMENTS WORKERS")
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("chorus-bench: \(error)\n".utf8))
    exit(1)
}

func runBenchmarks() throws {
    let env = ProcessInfo.processInfo.environment
    let hours = (env["BENCH_HOURS"] ?? "1 4").split(separator: " ").compactMap { Double($0) }
    let out = env["BENCH_DIR"] ?? "benchmarks/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let kinds: [(name: String, rate: Int, channels: Int, type: AudioFileType, hum: Bool)] = [
        ("16k-mono.wav", 16_000, 1, .wav, false), ("16k-mono-hum.wav", 16_000, 1, .wav, true), ("48k-stereo.flac", 48_000, 2, .flac, false),
    ]
    print("Chorus segmentation benchmark: best of 3 runs each, wall time; peak RSS of each process.")
    print("Baseline: libsndfile decode-only of the same file in the same blocks (chorus-bench decode).")
    print("")
    let header = ["file", "audio", "decode", "segment", "seg/decode", "speed", "RSS decode", "RSS segment"]
        + (ffmpeg == nil ? [] : ["ffmpeg", "ffmpeg/seg", "RSS ffmpeg"])
    print(columns(header))
    for h in hours {
        for kind in kinds {
            let path = "\(out)/\(h == h.rounded() ? String(Int(h)) : String(h))h-\(kind.name)"
            if !FileManager.default.fileExists(atPath: path) {
                FileHandle.standardError.write(Data("generating \(path) ...\n".utf8))
                try generate(path: path, hours: h, rate: kind.rate, channels: kind.channels, type: kind.type, hum: kind.hum)
            }
            _ = try runChild(["\(here)/chorus-bench", "decode", path])  // warm the page cache
            let decode = try best(of: 3, ["\(here)/chorus-bench", "decode", path])
            let segment = try best(of: 3, ["\(here)/chorus", "segment", path, "--dry-run", "--quiet"])
            guard decode.status == 0, segment.status == 0 else { throw BenchError("a run failed on \(path)") }
            var row = [
                (path as NSString).lastPathComponent, "\(fmt(h)) h", "\(fmt(decode.seconds)) s", "\(fmt(segment.seconds)) s",
                "\(fmt(segment.seconds / decode.seconds))x", "\(Int(h * 3600 / segment.seconds))x RT",
                mb(decode.peakRSSBytes), mb(segment.peakRSSBytes),
            ]
            if let ffmpeg {
                let f = try best(of: 1, [ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-i", path, "-af", "silencedetect=noise=-35dB:d=0.3", "-f", "null", "-"])
                row += ["\(fmt(f.seconds)) s", "\(fmt(f.seconds / segment.seconds))x", mb(f.peakRSSBytes)]
            }
            print(columns(row))
        }
    }
    print("")
    print("seg/decode: segmentation time over decode-only time (target <= 1.25). speed: audio time over segmentation time.")
    if ffmpeg != nil { print("ffmpeg/seg: ffmpeg -af silencedetect time over chorus segment time (above 1 means Chorus is faster).") }
}

/// The first column 20 wide (file names), the others 12.
func columns(_ cells: [String]) -> String {
    cells.enumerated().map { $1.padding(toLength: $0 == 0 ? 20 : 12, withPad: " ", startingAt: 0) }.joined(separator: " ")
}

func fmt(_ x: Double) -> String { String(format: x < 10 ? "%.2f" : "%.1f", x) }
func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
