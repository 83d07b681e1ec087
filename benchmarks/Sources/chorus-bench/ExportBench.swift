import ChorusAudio
import ChorusStore
import Foundation
import GRDB

/// `chorus export` of a project over five hours of 48 kHz stereo FLAC (the segmentation
/// benchmark's 1 h and 4 h recordings, segmented for real), every segment settled with a
/// transcript and a translation. Baselines in the same run: libsndfile decode-only of the same
/// files, and the export of text formats alone (no audio).
func runExportBenchmark(folder: String, chorus: String, bench: String) throws {
    let recordings = ["1h-48k-stereo.flac", "4h-48k-stereo.flac"].map { folder + "/" + $0 }
    for (path, hours) in zip(recordings, [1.0, 4.0]) where !FileManager.default.fileExists(atPath: path) {
        FileHandle.standardError.write(Data("generating \(path) ...\n".utf8))
        try generate(path: path, hours: hours, rate: 48_000, channels: 2, type: .flac)
    }
    let dir = folder + "/export-5h"
    if !FileManager.default.fileExists(atPath: dir + "/chorus.sqlite") {
        FileHandle.standardError.write(Data("preparing \(dir) ...\n".utf8))
        try? FileManager.default.removeItem(atPath: dir)
        let made = try runChild([chorus, "init", dir, "--source-lang", "sw", "--target-lang", "en", "--redundancy", "1"])
        let segmented = try runChild([chorus, "segment"] + recordings + ["--project", dir])
        guard made.status == 0, segmented.status == 0 else { throw BenchError("cannot prepare \(dir)") }
        let project = try Project.open(at: dir)
        _ = try project.store.addAnnotator(name: "amina", languages: [try LanguageTag("sw"), try LanguageTag("en")], rate: "12/hour", creditName: "Amina")
        let queue = try DatabaseQueue(path: dir + "/chorus.sqlite")
        try queue.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM segments ORDER BY id")
            try db.execute(sql: "DELETE FROM tasks")
            for id in ids {
                for (kind, language, text) in [("transcribe", "sw", "habari za asubuhi \(id)"), ("translate", "en", "good morning \(id)")] {
                    try db.execute(sql: "INSERT INTO annotations (segment_id, kind, language, annotator_id, text, counted, submitted_at, active_seconds) VALUES (?, ?, ?, 1, ?, 1, 0, 20)",
                                   arguments: [id, kind, language, text])
                    try db.execute(sql: "INSERT INTO settled (segment_id, language, text, method, agreement, settled_at) VALUES (?, ?, ?, 'agreed', 1, 0)", arguments: [id, language, text])
                }
            }
        }
    }
    let out = folder + "/export-5h-corpus"
    var decodeSeconds = 0.0
    for path in recordings {
        _ = try runChild([bench, "decode", path])
        decodeSeconds += try best(of: 3, [bench, "decode", path]).seconds
    }
    // TextGrid, ELAN and subtitles now come with the whole recordings: text formats alone are TMX and Moses.
    let text = try best(of: 3, [chorus, "export", "--project", dir, "--out", out + "-text", "--format", "tmx,moses", "--force"])
    // Shards against the per-clip export they pack: NeMo alone (loose clips), then each shard format alone.
    func fresh(_ suffix: String, _ format: String) throws -> ChildRun {
        try? FileManager.default.removeItem(atPath: out + suffix)
        return try runChild([chorus, "export", "--project", dir, "--out", out + suffix, "--format", format, "--force"])
    }
    let clips = try fresh("-clips", "nemo"), wds = try fresh("-wds", "webdataset"), shar = try fresh("-shar", "lhotse-shar")
    var runs: [ChildRun] = []
    for _ in 0..<2 {
        try? FileManager.default.removeItem(atPath: out)
        runs.append(try runChild([chorus, "export", "--project", dir, "--out", out, "--format", "all", "--force"]))
    }
    try? FileManager.default.removeItem(atPath: out + "-whole")
    let whole = try runChild([chorus, "export", "--project", dir, "--out", out + "-whole", "--format", "nemo,kaldi,lhotse,mustc,stm", "--whole-recordings", "--force"])
    guard text.status == 0, whole.status == 0, clips.status == 0, wds.status == 0, shar.status == 0, runs.allSatisfy({ $0.status == 0 }) else {
        throw BenchError("chorus export failed")
    }
    let all = runs.min { $0.seconds < $1.seconds }!
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/export.json"))) as? [String: Any] ?? [:]
    let seconds = summary["seconds"] as? Double ?? 0
    let segments = summary["segments"] as? Int ?? 0
    print("chorus export: 5 h of 48 kHz stereo FLAC, \(segments) segments (\(fmt(seconds / 3600)) h of clips), every format, 16 kHz mono FLAC clips, \(ProcessInfo.processInfo.activeProcessorCount) cores; best of 2.")
    print("Baselines: libsndfile decode-only of the 5 h; the export of the formats without audio (tmx, moses); the per-clip export (nemo) for the shards.")
    print(columns(["run", "time", "vs decode", "audio s/s", "RSS"]))
    print(columns(["decode", "\(fmt(decodeSeconds)) s", "1.00x", "\(Int(5 * 3600 / decodeSeconds))", ""]))
    print(columns(["text only", "\(fmt(text.seconds)) s", "\(fmt(text.seconds / decodeSeconds))x", "", mb(text.peakRSSBytes)]))
    print(columns(["whole recs", "\(fmt(whole.seconds)) s", "\(fmt(whole.seconds / decodeSeconds))x", "\(Int(5 * 3600 / whole.seconds))", mb(whole.peakRSSBytes)]))
    print(columns(["clips (nemo)", "\(fmt(clips.seconds)) s", "\(fmt(clips.seconds / decodeSeconds))x", "\(Int(seconds / clips.seconds))", mb(clips.peakRSSBytes)]))
    print(columns(["webdataset", "\(fmt(wds.seconds)) s", "\(fmt(wds.seconds / decodeSeconds))x", "\(Int(seconds / wds.seconds))", mb(wds.peakRSSBytes)]))
    print(columns(["lhotse-shar", "\(fmt(shar.seconds)) s", "\(fmt(shar.seconds / decodeSeconds))x", "\(Int(seconds / shar.seconds))", mb(shar.peakRSSBytes)]))
    print(columns(["all formats", "\(fmt(all.seconds)) s", "\(fmt(all.seconds / decodeSeconds))x", "\(Int(seconds / all.seconds))", mb(runs.map(\.peakRSSBytes).max() ?? 0)]))
}
