import ChorusStore
import Foundation

/// `chorus-bench worker DIR NAME CYCLES`: claims and submits transcription tasks in a loop
/// through the work API, as one annotator, writing one line per step to standard output,
/// unbuffered, after the step's transaction has committed:
///   `claimed TASK`
///   `submitted TASK COUNTED MICROSECONDS` (claim plus submit, wall time)
/// and `done N` at the end (or `empty N` when the queue ran dry). The reliability test and
/// the queue benchmark both read these lines.
func worker(project folder: String, as name: String, cycles: Int) throws {
    let project = try Project.open(at: folder)
    let out = FileHandle.standardOutput
    var done = 0
    for i in 0..<cycles {
        let start = DispatchTime.now().uptimeNanoseconds
        let task: ClaimedTask
        do {
            task = try project.work.claim(as: name, kind: .transcribe)
        } catch let error as ProjectError where error.code == .nothingToDo {
            out.write(Data("empty \(done)\n".utf8))
            return
        }
        out.write(Data("claimed \(task.taskID)\n".utf8))
        let result = try project.work.submit(task: task.taskID, as: name, text: "sawa \(i % 3 == 0 ? "kabisa" : "")", activeSeconds: 1)
        let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1000
        out.write(Data("submitted \(task.taskID) \(result.counted ? 1 : 0) \(micros)\n".utf8))
        done += 1
    }
    out.write(Data("done \(done)\n".utf8))
}

/// `chorus-bench queue-project DIR SEGMENTS WORKERS [DATABASE]`: a sw project with SEGMENTS
/// one-second segments (two transcription tasks each) and annotators w0...w(WORKERS-1), in a
/// SQLite file or the PostgreSQL database DATABASE names.
func makeQueueProject(folder: String, segments: Int, workers: Int, database: String? = nil) throws {
    var config = ProjectConfig(sourceLanguage: try LanguageTag("sw"), targetLanguages: [try LanguageTag("en")])
    config.leaseMinutes = 1
    if let database { config.database = database }
    let project = try Project.create(at: folder, config: config)
    var spans: [(start: Double, end: Double, speechStart: Double, speechEnd: Double)] = []
    for i in 0..<segments { spans.append((Double(i) * 2, Double(i) * 2 + 1, Double(i) * 2, Double(i) * 2 + 1)) }
    var recording = NewRecording(
        sha256: "queue", path: "queue.wav", duration: Double(segments) * 2, sampleRate: 16_000, channels: 1,
        container: "WAV", encoding: "PCM 16", segmenter: "{}", segments: spans)
    recording.transcriptionTasks = ("sw", 2)
    try project.store.add(recording)
    for w in 0..<workers {
        try project.store.addAnnotator(name: "w\(w)", languages: [try LanguageTag("sw")], rate: nil, creditName: nil)
    }
}
