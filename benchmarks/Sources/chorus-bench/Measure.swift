import ChorusAudio
import ChorusIngest
import Foundation

/// Decodes a file with libsndfile and does nothing else: the baseline segmentation is measured against.
/// Reads the same blocks as `chorus segment` does.
func decodeOnly(path: String) throws -> Int64 {
    try AudioReader.withReader(at: path) { reader in
        var block = [Float](repeating: 0, count: FileSegmenter.blockFrames(channels: reader.info.channels) * reader.info.channels)
        var checksum: Float = 0
        try block.withUnsafeMutableBufferPointer { buffer in
            while true {
                let n = try reader.read(into: buffer)
                if n == 0 { break }
                checksum += buffer[0]
            }
        }
        // Printed so the loop cannot be optimised away.
        FileHandle.standardError.write(Data(checksum.isNaN ? "nan\n".utf8 : "".utf8))
        return reader.framesRead
    }
}

/// Wall time and peak resident memory of one child process.
struct ChildRun {
    var seconds: Double
    var peakRSSBytes: Int
    var status: Int32
}

/// Runs `argv` under GNU time with standard output and error sent to /dev/null, timing it and
/// reading its peak RSS. (wait4's own figure would include this large parent's pages, which a
/// spawned child shares until it execs.)
func runChild(_ command: [String]) throws -> ChildRun {
    let report = NSTemporaryDirectory() + "/chorus-bench-rss-\(getpid())"
    defer { unlink(report) }
    let argv = ["/usr/bin/time", "-f", "%M", "-o", report] + command
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    let start = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
    guard spawned == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let kilobytes = (try? String(contentsOfFile: report, encoding: .utf8))?
        .split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
    return ChildRun(seconds: seconds, peakRSSBytes: kilobytes * 1024, status: (status >> 8) & 0xFF)
}

/// The fastest of `repeats` runs (the least disturbed by the rest of the machine), with the largest RSS seen.
func best(of repeats: Int, _ argv: [String]) throws -> ChildRun {
    var runs: [ChildRun] = []
    for _ in 0..<repeats { runs.append(try runChild(argv)) }
    var fastest = runs.min { $0.seconds < $1.seconds }!
    fastest.peakRSSBytes = runs.map(\.peakRSSBytes).max() ?? 0
    return fastest
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
