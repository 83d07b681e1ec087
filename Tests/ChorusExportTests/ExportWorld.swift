import ChorusAudio
import ChorusStore
import Foundation
import TestSupport

/// A project like the ones the corpus's users bring: Arabic speech (right to left) translated
/// into English and Traditional Chinese, recordings at several rates and channel counts with
/// odd file names, speakers with odd names (one of them a path), one without a speaker, texts
/// with quotes, markup characters and numbers; settled through the real work queue.
struct ExportWorld {
    struct Recording {
        let file: String
        let rate: Int
        let channels: Int
        let seconds: Double
        let speaker: String?
        let segments: [(Double, Double)]
        /// Each segment's own speaker, for conversations (nil: the recording's).
        var turns: [String?] = []
    }

    static let recordings: [Recording] = [
        .init(file: "interview 1 (final).flac", rate: 48_000, channels: 2, seconds: 16, speaker: "Ana María O'Neil", segments: [(1, 4.5), (5, 9.25), (10, 14)]),
        .init(file: "تسجيل ٢.wav", rate: 16_000, channels: 1, seconds: 12, speaker: "李小龍", segments: [(0.5, 3.5), (4, 7.75), (8, 11.5)]),
        .init(file: "r3.wav", rate: 22_050, channels: 1, seconds: 10, speaker: "../../etc/passwd", segments: [(0.25, 4), (5, 9)]),
        .init(file: "no speaker.flac", rate: 44_100, channels: 2, seconds: 9, speaker: nil, segments: [(1, 4), (5, 8.5)]),
        .init(file: "ana again.wav", rate: 16_000, channels: 1, seconds: 8, speaker: "Ana María O'Neil", segments: [(0.5, 3), (3.5, 7.5)]),
        .init(file: "kofi-1.wav", rate: 8_000, channels: 1, seconds: 9, speaker: "Kofi", segments: [(1, 4), (5, 8)]),
        .init(file: "kofi-2.flac", rate: 32_000, channels: 1, seconds: 7, speaker: "Kofi", segments: [(0.5, 3), (3.5, 6.5)]),
        .init(file: "zz.wav", rate: 16_000, channels: 1, seconds: 7, speaker: "Zoë \"Z\" Tab\tName", segments: [(0.5, 3), (3.5, 6.5)]),
        // Conversations: three speakers (two also speak elsewhere), and two with no recording speaker.
        .init(file: "meeting.wav", rate: 16_000, channels: 1, seconds: 14, speaker: nil, segments: [(0.5, 3.5), (4, 7), (7.5, 10.5), (11, 13.5)],
              turns: ["Ana María O'Neil", "Kofi", "Wanjiru", "Ana María O'Neil"]),
        .init(file: "call.flac", rate: 8_000, channels: 1, seconds: 13, speaker: "Baraka", segments: [(0.5, 3), (3.5, 6), (6.5, 9), (9.5, 12)],
              turns: [nil, "Wanjiru", "Baraka", "Wanjiru"]),
    ]

    /// Arabic transcripts, cycled over the segments; the last segment's two transcripts disagree.
    static let arabic = [
        "مرحبا بكم في السوق \"الكبير\" اليوم",
        "اشترى أحمد 3 كيلو من الطماطم & البصل",
        "الطقس جميل <جدا> هذا الصباح",
        "هل يمكنك أن تساعدني من فضلك؟",
        "سنلتقي غدا في الساعة 10",
        "القطار يصل متأخرا كل يوم",
    ]
    static let english = [
        "Welcome to the \"big\" market today",
        "Ahmed bought 3 kilos of tomatoes & onions",
        "The weather is <very> nice --> this morning",
        "Can you help me, please?",
        "We will meet tomorrow at 10",
        "The train arrives late every day",
    ]
    static let chinese = ["歡迎來到今天的「大」市場", "艾哈邁德買了3公斤番茄和洋蔥", "今天早上天氣非常好", "你能幫我嗎？", "我們明天10點見", "火車每天都遲到"]

    let dir: String
    let audio: String
    let project: Project
    /// Settled texts by segment id and language, as the store has them.
    var settled: [Int64: [String: String]] = [:]
    /// Segment id → (recording index, start, end).
    var segments: [Int64: (recording: Int, start: Double, end: Double)] = [:]
    /// The segment left unsettled (transcribers disagree) and the one without a Chinese translation.
    /// Segment id → its speaker as the store has it (its own, else its recording's).
    var speakers: [Int64: String?] = [:]
    var disagreed: Int64 = 0
    var untranslated: Int64 = 0

    init(engine: Engine = .sqlite) throws {
        dir = URL(fileURLWithPath: try Fixtures.scratch("chorus-export")).standardizedFileURL.path
        audio = dir + "/audio"
        try FileManager.default.createDirectory(atPath: audio, withIntermediateDirectories: true)
        var config = try ProjectConfig(sourceLanguage: LanguageTag("ar"), targetLanguages: [LanguageTag("en"), LanguageTag("zh-Hant")])
        if let database = try engine.database() { config.database = database }
        project = try Project.create(at: dir + "/project", config: config)
        for (i, r) in Self.recordings.enumerated() {
            let path = audio + "/" + r.file
            let mono = Signals.speech(seconds: r.seconds, rate: r.rate, seed: UInt64(i + 1))
            let samples = r.channels == 1 ? mono : Signals.interleave(Array(repeating: mono, count: r.channels))
            try Fixtures.write(samples, to: path, rate: r.rate, channels: r.channels, type: r.file.hasSuffix(".flac") ? .flac : .wav)
            var new = NewRecording(
                sha256: "sha-\(i)", path: path, duration: r.seconds, sampleRate: r.rate, channels: r.channels, container: "test", encoding: "pcm16",
                speaker: r.speaker, segmenter: "{\"padding\":0.03}", segments: r.segments.map { ($0.0, $0.1, $0.0 + 0.03, $0.1 - 0.03) })
            new.segmentSpeakers = r.turns
            new.transcriptionTasks = ("ar", config.redundancy)
            try project.store.add(new)
        }
        let store = project.store
        _ = try store.addAnnotator(name: "layla", languages: [LanguageTag("ar")], rate: "15/hour", creditName: "Layla Ḥaddād")
        _ = try store.addAnnotator(name: "omar", languages: [LanguageTag("ar")], rate: "0.50/audio-minute", creditName: nil)
        _ = try store.addAnnotator(name: "eve", languages: [LanguageTag("ar"), LanguageTag("en")], rate: "0.20/task", creditName: "Eve Adams")
        _ = try store.addAnnotator(name: "mei", languages: [LanguageTag("ar"), LanguageTag("zh-Hant")], rate: nil, creditName: nil)

        let rows = try store.snapshot(config: config)
        for s in rows.segments {
            let r = rows.recordings.firstIndex { $0.id == s.recordingID }!
            segments[s.id] = (r, s.start, s.end)
            let speaker: String? = s.speaker ?? rows.recordings[r].speaker
            speakers[s.id] = .some(speaker)
        }
        let ids = rows.segments.map(\.id).sorted()
        disagreed = ids.last!
        untranslated = ids[ids.count - 2]
        func arabic(_ id: Int64) -> String { Self.arabic[Int(id) % Self.arabic.count] + " \(id)" }
        func index(_ id: Int64) -> Int { Int(id) % Self.arabic.count }
        for name in ["layla", "omar"] {
            while let t = try? project.work.claim(as: name, kind: .transcribe) {
                let text = t.segmentID == disagreed && name == "omar" ? "نص مختلف تماما لا علاقة له" : arabic(t.segmentID)
                _ = try project.work.submit(task: t.taskID, as: name, text: text, activeSeconds: 30)
            }
        }
        while let t = try? project.work.claim(as: "eve", kind: .translate, language: "en") {
            _ = try project.work.submit(task: t.taskID, as: "eve", text: Self.english[index(t.segmentID)] + " \(t.segmentID)", activeSeconds: 40)
        }
        while let t = try? project.work.claim(as: "mei", kind: .translate, language: "zh-Hant") {
            if t.segmentID == untranslated {
                try project.work.skip(task: t.taskID, as: "mei", reason: .other)
                continue
            }
            _ = try project.work.submit(task: t.taskID, as: "mei", text: Self.chinese[index(t.segmentID)] + "\(t.segmentID)", activeSeconds: 45)
        }
        for s in try store.snapshot(config: config).settled { settled[s.segmentID, default: [:]][s.language] = s.text }
    }

    /// A segment's speaker: its own, else its recording's.
    func speaker(_ segment: Int64) -> String? { speakers[segment] ?? nil }

    /// Segments expected in the export: settled in every language.
    var exported: [Int64] { settled.filter { $0.value.count == 3 }.keys.sorted() }

    /// `chorus export` on the project (the real binary).
    func export(_ args: [String], out: String) throws -> ChorusRun {
        try ChorusProcess.run(["export", "--project", dir + "/project", "--out", out] + args)
    }
}
