@testable import ChorusStore
import ChorusValidation
import Testing

/// Snapshots built in memory: a clean Swahili-to-English project, and one change at a time
/// that trips one rule.
struct Corpus {
    var snapshot: ProjectSnapshot

    init(segments: Int = 12) throws {
        let config = try ProjectConfig(sourceLanguage: LanguageTag("sw"), targetLanguages: [LanguageTag("en")])
        snapshot = ProjectSnapshot(config: config)
        snapshot.recordings = [.init(id: 1, path: "a.flac", duration: 120)]
        let sw = ["habari za asubuhi rafiki", "mvua inanyesha sokoni leo", "watoto wanacheza uwanjani", "mama anapika chakula kitamu",
                  "tunaenda shuleni kesho asubuhi", "samaki wa ziwani ni watamu", "baba amerudi kutoka kazini", "tafadhali funga mlango",
                  "jua linawaka sana leo", "nyumba yetu iko karibu na mto", "ndege wanaimba mitini", "kitabu hiki ni kizuri sana"]
        let en = ["good morning my friend", "it is raining at the market today", "the children are playing in the field", "mother is cooking tasty food",
                  "we are going to school tomorrow morning", "lake fish are tasty", "father has come back from work", "please close the door",
                  "the sun is shining brightly today", "our house is near the river", "birds are singing in the trees", "this book is very good"]
        for i in 0..<segments {
            let start = Double(i) * 8 + 1
            let id = Int64(i + 1)
            snapshot.segments.append(.init(id: id, recordingID: 1, start: start, end: start + Double(sw[i % 12].count) / 14))
            snapshot.settled.append(.init(segmentID: id, language: "sw", text: sw[i % 12], method: "agreed"))
            snapshot.settled.append(.init(segmentID: id, language: "en", text: en[i % 12], method: "agreed"))
        }
    }

    func findings(_ rule: String) -> [Finding] {
        ValidationReport.make(snapshot).findings.filter { $0.rule == rule }
    }

    mutating func setText(_ segment: Int64, _ language: String, _ text: String) {
        if let i = snapshot.settled.firstIndex(where: { $0.segmentID == segment && $0.language == language }) { snapshot.settled[i].text = text }
    }
}

@Suite struct RuleTests {
    @Test func aCleanCorpusTripsNothing() throws {
        let report = ValidationReport.make(try Corpus().snapshot)
        #expect(report.findings == [], "\(report.findings)")
        #expect(report.rules.count == Rules.all.count)
    }

    @Test func timestampsStartEndOverlapAndDuration() throws {
        var c = try Corpus()
        c.snapshot.segments[11].end = 121
        #expect(c.findings("timestamps-in-recording").map(\.segment) == [12])
        c = try Corpus()
        c.snapshot.segments[3].end = c.snapshot.segments[3].start
        #expect(c.findings("start-before-end").map(\.segment) == [4])
        c = try Corpus()
        c.snapshot.segments[4].start = c.snapshot.segments[3].end - 0.5
        #expect(c.findings("no-overlap").map(\.segment) == [5])
        c = try Corpus()
        c.snapshot.segments[0].end = c.snapshot.segments[0].start + 0.1
        c.snapshot.segments[1].end = c.snapshot.segments[1].start + 31
        #expect(c.findings("duration-limits").map(\.segment) == [1, 2])
    }

    @Test func textProblems() throws {
        var c = try Corpus()
        c.setText(2, "sw", "[noise]")
        #expect(c.findings("empty-text").map(\.segment) == [2])
        c = try Corpus()
        c.setText(3, "sw", "watoto [kelele] wanacheza")
        #expect(c.findings("unknown-tags").map(\.segment) == [3])
        c = try Corpus()
        c.setText(4, "en", "mother is cooking\u{0007} tasty food")
        #expect(c.findings("control-characters").map(\.segment) == [4])
        c = try Corpus()
        c.setText(5, "sw", "tunaenda  shuleni kesho asubuhi")
        c.setText(6, "en", "lake fish are tasty ")
        #expect(c.findings("stray-whitespace").map(\.segment) == [5, 6])
        c = try Corpus()
        c.setText(7, "sw", "Habari za asubuhi, rafiki!")
        #expect(c.findings("duplicate-text").map(\.segment) == [7])
    }

    @Test func speakingRateAndDurationOutliers() throws {
        var c = try Corpus()
        // A transcript far too long for its 1.8 s: truncated audio or the wrong segment.
        c.setText(1, "sw", String(repeating: "habari za asubuhi rafiki ", count: 4).trimmingCharacters(in: .whitespaces))
        #expect(c.findings("speaking-rate").map(\.segment) == [1])
        #expect(c.findings("duration-outliers").map(\.segment) == [1])
        // A project that knows its speakers are fast widens the range for its language.
        c.snapshot.config.languages = ["sw": LanguageSettings(speakingRate: 3...80)]
        #expect(c.findings("speaking-rate").isEmpty)
        c.snapshot.config.languages = ["sw": LanguageSettings(speakingRate: 15...80)]
        #expect(c.findings("speaking-rate").count == 11, "now the ordinary segments (14 characters a second) are too slow")
    }

    @Test func translationProblems() throws {
        var c = try Corpus()
        c.snapshot.settled.removeAll { $0.segmentID == 2 && $0.language == "en" }
        #expect(c.findings("translation-present").map(\.segment) == [2])
        c = try Corpus()
        c.setText(3, "en", "Watoto wanacheza uwanjani.")
        #expect(c.findings("untranslated").map(\.segment) == [3])
        c = try Corpus()
        c.setText(6, "en", "рыба из озера вкусная")
        #expect(c.findings("wrong-script").map(\.segment) == [6])
        c.snapshot.config.targetLanguages = [try LanguageTag("ru")]
        c.snapshot.settled = c.snapshot.settled.map { var r = $0; if r.language == "en" { r.language = "ru" }; return r }
        // Now Russian is expected: only the Cyrillic one passes.
        #expect(c.findings("wrong-script").count == 11)
        c = try Corpus()
        c.setText(4, "sw", "mama anapika vyakula 3 kitamu")
        #expect(c.findings("numbers-kept").map(\.segment) == [4])
        c.setText(4, "en", "mother is cooking 3 tasty dishes")
        #expect(c.findings("numbers-kept").isEmpty)
        c = try Corpus()
        c.setText(5, "en", "we")
        #expect(c.findings("length-ratio-outliers").map(\.segment) == [5])
    }

    @Test func agreementFigures() throws {
        var c = try Corpus(segments: 2)
        c.snapshot.annotations = [
            .init(segmentID: 1, kind: .transcribe, language: "sw", annotator: "amina", text: "Habari za asubuhi rafiki"),
            .init(segmentID: 1, kind: .transcribe, language: "sw", annotator: "baraka", text: "habari ya asubuhi rafiki"),
            .init(segmentID: 2, kind: .translate, language: "en", annotator: "amina", text: "it is raining at the market today"),
            .init(segmentID: 2, kind: .translate, language: "en", annotator: "baraka", text: "it is raining at the market today"),
        ]
        c.snapshot.skips = [.init(segmentID: 1, annotator: "amina", reason: .noSpeech), .init(segmentID: 1, annotator: "baraka", reason: .noSpeech),
                            .init(segmentID: 2, annotator: "amina", reason: .other), .init(segmentID: 2, annotator: "baraka", reason: .distressing)]
        let f = ValidationReport.make(c.snapshot).agreement
        #expect(f.segments.count == 1)
        // "za" → "ya": one character in 24, one word in 4.
        #expect(abs((f.segments.first?.cer ?? 0) - 1.0 / 24) < 1e-12)
        #expect(abs((f.segments.first?.wer ?? 0) - 0.25) < 1e-12)
        #expect(f.translationChrF["en"]?.mean == 100)
        #expect(f.annotators.map(\.annotator) == ["amina", "baraka"])
        #expect(f.annotators.first?.agreement == 1)
        #expect(f.skipReasonAlpha != nil)
    }
}
