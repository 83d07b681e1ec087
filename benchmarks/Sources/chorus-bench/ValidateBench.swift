import ChorusStore
import Foundation
import GRDB

/// `chorus validate` over a generated 100,000-segment project: two transcripts and one
/// translation per segment, all settled (made once in benchmarks/out, rows written straight
/// into the SQLite store). Baseline: `chorus status` on the same project, a plain read of it.
func runValidateBenchmark(folder: String, chorus: String) throws {
    let dir = folder + "/validate-100k"
    let segments = 100_000
    if !FileManager.default.fileExists(atPath: dir + "/chorus.sqlite") {
        FileHandle.standardError.write(Data("generating \(dir) ...\n".utf8))
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = ProjectConfig(sourceLanguage: try LanguageTag("sw"), targetLanguages: [try LanguageTag("en")])
        let project = try Project.create(at: dir, config: config)
        var spans: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)] = []
        var gen = LCG(seed: 11)
        let sw = ["habari", "za", "asubuhi", "mvua", "inanyesha", "sokoni", "leo", "watoto", "wanacheza", "mama", "anapika", "chakula", "kesho", "shule", "nyumba", "mto", "ndege", "kitabu"]
        let en = ["good", "morning", "rain", "market", "today", "children", "play", "mother", "cooks", "food", "tomorrow", "school", "house", "river", "bird", "book"]
        var texts: [(String, String, String)] = []
        var t = 0.0
        for _ in 0..<segments {
            let words = 4 + gen.next(10)
            let a = (0..<words).map { _ in sw[gen.next(sw.count)] }.joined(separator: " ")
            var bWords = a.split(separator: " ").map(String.init)
            if gen.next(4) == 0 { bWords[gen.next(bWords.count)] = sw[gen.next(sw.count)] }
            let translation = (0..<(words + gen.next(3))).map { _ in en[gen.next(en.count)] }.joined(separator: " ")
            let seconds = Double(a.count) / 13
            spans.append((t, t + seconds, t, t + seconds))
            t += seconds + 0.5
            texts.append((a, bWords.joined(separator: " "), translation))
        }
        var recording = NewRecording(sha256: "validate", path: "validate.flac", duration: t, sampleRate: 16_000, channels: 1,
                                     container: "FLAC", encoding: "PCM 16", segmenter: "{}", segments: spans)
        recording.transcriptionTasks = nil
        try project.store.add(recording)
        for name in ["amina", "baraka", "chausiku"] {
            try project.store.addAnnotator(name: name, languages: [try LanguageTag("sw"), try LanguageTag("en")], rate: nil, creditName: nil)
        }
        let queue = try DatabaseQueue(path: dir + "/chorus.sqlite")
        try queue.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM segments ORDER BY start")
            for (id, (a, b, translation)) in zip(ids, texts) {
                for (annotator, kind, language, text) in [(1, "transcribe", "sw", a), (2, "transcribe", "sw", b), (3, "translate", "en", translation)] {
                    try db.execute(sql: "INSERT INTO annotations (segment_id, kind, language, annotator_id, text, counted, submitted_at) VALUES (?, ?, ?, ?, ?, 1, 0)",
                                   arguments: [id, kind, language, annotator, text])
                }
                try db.execute(sql: "INSERT INTO settled (segment_id, language, text, method, settled_at) VALUES (?, 'sw', ?, 'agreed', 0)", arguments: [id, a])
                try db.execute(sql: "INSERT INTO settled (segment_id, language, text, method, settled_at) VALUES (?, 'en', ?, 'agreed', 0)", arguments: [id, translation])
            }
        }
    }
    let status = try best(of: 3, [chorus, "status", "--project", dir])
    let validate = try best(of: 3, [chorus, "validate", "--project", dir, "--out", folder + "/validate-report"])
    print("chorus validate: 100,000 segments, 200,000 transcripts, 100,000 translations, all settled (SQLite), best of 3.")
    print(columns(["command", "time", "target", "RSS"]))
    print(columns(["status", "\(fmt(status.seconds)) s", "", mb(status.peakRSSBytes)]))
    print(columns(["validate", "\(fmt(validate.seconds)) s", "< 10 s", mb(validate.peakRSSBytes)]))
    if validate.status > 1 { throw BenchError("chorus validate failed") }
}
