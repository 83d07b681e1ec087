import Foundation
import Testing
import TestSupport

@Suite struct AnnotationsCommandTests {
    /// A sw → en project with the Swahili sample recordings and the three annotators of annotations.jsonl.
    static func project(audio: [String] = ["sw-soko.flac", "sw-kijiji.flac"].map { Fixtures.corpus + "/audio/" + $0 }) throws -> String {
        let dir = try Fixtures.scratch() + "/p"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--target-lang", "en"]).status == 0)
        #expect(try ChorusProcess.run(["segment"] + audio + ["--project", dir, "-q"]).status == 0)
        for (name, languages) in [("amina", "sw"), ("baraka", "sw"), ("chausiku", "sw,en")] {
            #expect(try ChorusProcess.run(["annotators", "add", name, "--languages", languages, "--project", dir]).status == 0)
        }
        return dir
    }

    static func export(_ dir: String) throws -> [[String: Any]] {
        try ChorusProcess.run(["annotations", "export", "--project", dir]).stdout.split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func theSampleAnnotationsSettleFifteenSegmentsAndLeaveOneForReview() throws {
        let dir = try Self.project()
        let run = try ChorusProcess.run(["annotations", "import", Fixtures.corpus + "/annotations.jsonl", "--project", dir, "--json"])
        #expect(run.status == 0)
        #expect(run.stdout == "{\"imported\":47}\n")
        let lines = try Self.export(dir)
        #expect(lines.count == 47)
        #expect(lines.allSatisfy { $0["counted"] as? Bool == true && $0["source"] as? String == "import" })
        let review = try ChorusProcess.run(["tasks", "claim", "--as", "chausiku", "--project", dir, "--json"])
        let task = try JSONSerialization.jsonObject(with: Data(review.stdout.utf8)) as? [String: Any]
        #expect(task?["kind"] as? String == "review")
        #expect(task?["source_texts"] as? [String] == ["Samaki wa ziwani ni watamu sana.", "samaki wa ziwani ni wazuri sana"])
        let status = try JSONSerialization.jsonObject(with: Data(try ChorusProcess.run(["status", "--project", dir, "--json"]).stdout.utf8)) as? [String: Any]
        #expect(status?["segments"] as? Int == 16)
        #expect(status?["finished_segments"] as? Int == 15)
        #expect(status?["settled_transcripts"] as? Int == 15)
        let tasks = status?["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { "\($0["kind"]!) \($0["open"]!)/\($0["leased"]!)/\($0["done"]!)" } == ["transcribe 0/0/32", "translate 0/0/15", "review 0/1/0"])
        let people = status?["people"] as? [[String: Any]] ?? []
        #expect(people.map { $0["annotator"] as? String } == ["amina", "baraka", "chausiku"])
        #expect(people.last?["translated"] as? Int == 15)
        #expect((status?["days"] as? [[String: Any]])?.first?["annotations"] as? Int == 47)
    }

    @Test func aBadLineNamesItsLineAndFieldAndNothingIsImported() throws {
        let dir = try Self.project()
        let good = try String(contentsOfFile: Fixtures.corpus + "/annotations.jsonl", encoding: .utf8).split(separator: "\n").prefix(2)
        let cases: [(String, String)] = [
            ("not json", "not a JSON object"),
            (#"{"segment_id":1,"kind":"transcribe","annotator":"amina","text":"x","speaker":" "}"#, "field 'speaker': a name of 1 to 200 characters on one line"),
            (#"{"segment_id":1,"kind":"transcribe","annotator":"amina","text":"x","voice":"s"}"#, "field 'voice': unknown field"),
            (#"{"segment_id":1,"kind":"transcribe","annotator":"amina"}"#, "field 'text': missing"),
            (#"{"segment_id":1,"kind":"listen","annotator":"amina","text":"x"}"#, "field 'kind': must be transcribe, translate or review"),
            (#"{"segment_id":1,"kind":"transcribe","language":"swahili!","annotator":"amina","text":"x"}"#, "field 'language':"),
            (#"{"segment_id":1,"kind":"transcribe","annotator":"zawadi","text":"x"}"#, "field 'annotator': no annotator named zawadi"),
            (#"{"segment_id":9999,"kind":"transcribe","annotator":"amina","text":"x"}"#, "field 'segment_id': there is no segment 9999"),
            (#"{"recording":"a.wav","start":2,"end":1,"kind":"transcribe","annotator":"amina","text":"x"}"#, "start < end"),
            (#"{"segment_id":1,"kind":"transcribe","annotator":"amina","text":"again"}"#, "field 'annotator': amina already has a transcribe annotation"),
            (#"{"segment_id":3,"kind":"transcribe","language":"fr","annotator":"amina","text":"x"}"#,
             "field 'language': fr is not a language for a transcribe annotation here: this project transcribes sw and translates into en"),
            (#"{"segment_id":3,"kind":"translate","language":"sw","annotator":"chausiku","text":"x"}"#, "field 'language': sw is not a language for a translate annotation"),
        ]
        for (bad, expected) in cases {
            let file = try Fixtures.scratch() + "/in.jsonl"
            try Fixtures.writeText((good + [Substring(bad)]).joined(separator: "\n") + "\n", to: file)
            let run = try ChorusProcess.run(["annotations", "import", file, "--project", dir])
            #expect(run.status == 1, "\(bad)")
            #expect(run.stderr.hasPrefix("chorus: error: \(file):3: "), "\(run.stderr)")
            #expect(run.stderr.contains(expected), "\(run.stderr)")
            #expect(try Self.export(dir).isEmpty, "nothing of a failed import is kept")
        }
    }

    @Test func machineDraftsAreHandedOutWithTheTaskAndFillNoTask() throws {
        let dir = try Self.project()
        let file = try Fixtures.scratch() + "/asr.jsonl"
        let soko = Fixtures.corpus + "/audio/sw-soko.flac"
        try Fixtures.writeText(#"{"recording":"\#(soko)","start":1.2,"end":2.9,"kind":"transcribe","machine_draft":"asr-v1","text":"habari za asubui"}"# + "\n", to: file)
        #expect(try ChorusProcess.run(["annotations", "import", file, "--project", dir]).status == 0)
        #expect(try Self.export(dir).isEmpty, "a machine draft is not an annotation")
        let claim = try JSONSerialization.jsonObject(with: Data(try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--project", dir, "--json"]).stdout.utf8)) as? [String: Any]
        #expect(claim?["machine_draft"] as? String == "habari za asubui")
        let id = try #require(claim?["task_id"] as? Int)
        #expect(try ChorusProcess.run(["tasks", "submit", "\(id)", "--as", "amina", "--text", "Habari za asubuhi.", "--from-machine-draft", "--project", dir]).status == 0)
        try Fixtures.writeText(#"{"segment_id":1,"kind":"transcribe","machine_draft":"asr-v1","annotator":"amina","text":"x"}"# + "\n", to: file)
        let both = try ChorusProcess.run(["annotations", "import", file, "--project", dir])
        #expect(both.status == 1)
        #expect(both.stderr.contains("\(file):1: field 'machine_draft': a line is a person's annotation or a machine draft, not both"))
    }

    @Test func relativeRecordingPathsResolveBesideTheFileAndAByteOrderMarkIsAccepted() throws {
        let dir = try Self.project()
        // The lines sit beside the audio and name it relatively; the import runs from elsewhere.
        let folder = try Fixtures.scratch("chorus-lines")
        try FileManager.default.copyItem(atPath: Fixtures.corpus + "/audio", toPath: folder + "/audio")
        let moved = try Self.project(audio: ["sw-soko.flac"].map { folder + "/audio/" + $0 })
        let file = folder + "/work.jsonl"
        try Fixtures.writeText("\u{FEFF}" + #"{"recording":"audio/sw-soko.flac","start":1.2,"end":2.9,"kind":"transcribe","annotator":"amina","text":"Habari"}"# + "\n", to: file)
        let run = try ChorusProcess.run(["annotations", "import", file, "--project", moved, "--json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "{\"imported\":1}\n")
    }

    /// `--out` naming the project's own store (a slip of the tab key) once replaced the
    /// database with the export: it is refused, by name, and the store is untouched.
    @Test func anExportNeverReplacesTheProjectsOwnFiles() throws {
        let dir = try Self.project()
        #expect(try ChorusProcess.run(["annotations", "import", Fixtures.corpus + "/annotations.jsonl", "--project", dir]).status == 0)
        for name in ["chorus.sqlite", "chorus.yaml"] {
            let run = try ChorusProcess.run(["annotations", "export", "--project", dir, "--out", dir + "/" + name])
            #expect(run.status != 0)
            #expect(run.stderr.contains("\(dir)/\(name): is a file this run reads: writing the output there would destroy it"), "\(run.stderr)")
        }
        // (Opening the store checkpoints it, so its bytes may move: what it holds may not.)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/chorus.sqlite")).prefix(15) == Data("SQLite format 3".utf8))
        #expect(try Self.export(dir).count == 47)
    }

    @Test func anExportImportsIntoAnotherProject() throws {
        let first = try Self.project()
        #expect(try ChorusProcess.run(["annotations", "import", Fixtures.corpus + "/annotations.jsonl", "--project", first]).status == 0)
        let out = try Fixtures.scratch() + "/all.jsonl"
        #expect(try ChorusProcess.run(["annotations", "export", "--project", first, "--out", out]).status == 0)
        let second = try Self.project()
        let run = try ChorusProcess.run(["annotations", "import", out, "--project", second, "--json"])
        #expect(run.stdout == "{\"imported\":47}\n", "\(run.stderr)")
        let texts = { (dir: String) in try Self.export(dir).map { "\($0["kind"]!) \($0["language"]!) \($0["annotator"]!) \($0["text"]!)" }.sorted() }
        #expect(try texts(first) == texts(second))
    }
}
