import Foundation
import Testing
import TestSupport

/// Speakers per segment through the real binary: from RTTM (`segment --rttm`), from import
/// lines, as `segments list` and `annotations export` show them.
@Suite struct SpeakerTests {
    static let conversation = Fixtures.corpus + "/audio/sw-mazungumzo.flac"
    static let rttm = Fixtures.corpus + "/sw-mazungumzo.rttm"

    static func project() throws -> String {
        let dir = try Fixtures.scratch() + "/p"
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--target-lang", "en"]).status == 0)
        return dir
    }

    static func segments(_ dir: String, _ args: [String] = []) throws -> [[String: Any]] {
        let run = try ChorusProcess.run(["segments", "list", "--project", dir, "--json"] + args)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func rttmGivesEachSegmentItsSpeakerAndCutsAtAChangeOfSpeaker() throws {
        let dir = try Self.project()
        let run = try ChorusProcess.run(["segment", Self.conversation, Fixtures.corpus + "/audio/sw-soko.flac", "--rttm", Self.rttm, "--project", dir, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(summary?["speaker_segments"] as? Int == 7 && summary?["speaker_cuts"] as? Int == 2)
        let listed = try Self.segments(dir, ["--recording", "sw-mazungumzo"])
        // The generator's seven turns, alternating: each a segment of its own, speakers per recording.
        #expect(listed.map { $0["speaker"] as? String } == (0..<7).map { "sw-mazungumzo/SPEAKER_0\($0 % 2)" })
        #expect(listed.allSatisfy { $0["speaker_source"] as? String == "rttm" && $0["state"] as? String == "open" })
        let references = try String(contentsOfFile: Fixtures.corpus + "/references.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["speaker"] != nil }
        for (segment, reference) in zip(listed, references) {
            let start = reference["start"] as? Double ?? 0, end = reference["end"] as? Double ?? 0
            #expect((segment["start"] as? Double ?? 99) <= start + 0.1 && (segment["end"] as? Double ?? 0) >= end - 0.1, "\(segment)")
        }
        // The other recording has no turns: no speaker.
        #expect(try Self.segments(dir, ["--recording", "sw-soko.flac"]).allSatisfy { $0["speaker"] == nil })
        // The same speakers filter.
        #expect(try Self.segments(dir, ["--speaker", "sw-mazungumzo/SPEAKER_01"]).count == 3)
        let recordings = try ChorusProcess.run(["recordings", "list", "--project", dir, "--json"]).stdout.split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(recordings.first?["speakers"] as? [String] == ["sw-mazungumzo/SPEAKER_00", "sw-mazungumzo/SPEAKER_01"])
        #expect(recordings.first?["segments"] as? Int == 7)
    }

    @Test func globalLabelsAndTurnsForNoRecordingAreSaidAndABadLineStopsBeforeAnything() throws {
        let dir = try Self.project()
        let folder = try Fixtures.scratch()
        let extra = folder + "/more.rttm"
        try (try String(contentsOfFile: Self.rttm, encoding: .utf8) + "SPEAKER elsewhere 1 0.5 1.0 <NA> <NA> X <NA> <NA>\n")
            .write(toFile: extra, atomically: true, encoding: .utf8)
        let run = try ChorusProcess.run(["segment", Self.conversation, "--rttm", extra, "--global-speakers", "--project", dir])
        #expect(run.status == 0)
        #expect(run.stderr.contains("no recording named elsewhere"))
        #expect(try Self.segments(dir).map { $0["speaker"] as? String }.first == "SPEAKER_00")

        let bad = folder + "/bad.rttm"
        try "SPEAKER sw-soko 1 zero 1.0 <NA> <NA> A <NA> <NA>\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let other = try Self.project().replacingOccurrences(of: "/p", with: "/q")
        #expect(try ChorusProcess.run(["init", other, "--source-lang", "sw"]).status == 0)
        let refused = try ChorusProcess.run(["segment", Fixtures.corpus + "/audio/sw-soko.flac", "--rttm", bad, "--project", other])
        #expect(refused.status == 1)
        #expect(refused.stderr == "chorus: error: \(bad):1: onset: 'zero' is not a time in seconds\n")
        #expect(try Self.segments(other).isEmpty, "nothing imported")
        #expect(try ChorusProcess.run(["segment", Self.conversation, "--global-speakers", "--dry-run"]).status == 64)
    }

    @Test func importLinesSetSpeakersThatALaterRTTMDoesNotReplace() throws {
        let dir = try Self.project()
        #expect(try ChorusProcess.run(["segment", Self.conversation, "--project", dir, "-q"]).status == 0)
        #expect(try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", dir]).status == 0)
        let ids = try Self.segments(dir).map { $0["segment_id"] as? Int ?? 0 }
        let file = try Fixtures.scratch() + "/speakers.jsonl"
        try """
            {"segment_id": \(ids[0]), "speaker": "Neema"}
            {"segment_id": \(ids[1]), "kind": "transcribe", "annotator": "amina", "text": "Nzuri sana.", "speaker": "Juma"}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try ChorusProcess.run(["annotations", "import", file, "--project", dir, "--json"])
        #expect(imported.stdout == "{\"imported\":1}\n", "\(imported.stderr)")
        var listed = try Self.segments(dir)
        #expect(listed[0]["speaker"] as? String == "Neema" && listed[0]["speaker_source"] as? String == "import")
        #expect(listed[1]["speaker"] as? String == "Juma" && listed[1]["state"] as? String == "in-progress")
        // Diarization later (no re-segmenting): the rest get the speaker heard most; a person's stays.
        let again = try ChorusProcess.run(["segment", Self.conversation, "--rttm", Self.rttm, "--project", dir])
        #expect(again.status == 0, "\(again.stderr)")
        listed = try Self.segments(dir)
        #expect(listed[0]["speaker"] as? String == "Neema" && listed[1]["speaker"] as? String == "Juma")
        #expect(listed[2]["speaker"] as? String == "sw-mazungumzo/SPEAKER_01" && listed[2]["speaker_source"] as? String == "rttm")
        // annotations export carries the segment's speaker, which an import reads back.
        let exported = try ChorusProcess.run(["annotations", "export", "--project", dir]).stdout
        #expect(exported.contains("\"speaker\":\"Juma\""))
        let missing = try ChorusProcess.run(["segments", "list", "--recording", "nope.wav", "--project", dir])
        #expect(missing.status == 1 && missing.stderr.contains("no recording 'nope.wav'"))
    }
}

@Suite("Speakers in the annotation loop", .serialized)
struct SpeakerLoopTests {
    @Test func aTranscriberSetsTheSegmentsSpeakerFromTheKnownOnesOrANewName() throws {
        let p = try LoopProject(recordings: ["sw-mazungumzo.flac"])
        // Diarization after segmenting: speakers without cuts.
        #expect(try ChorusProcess.run(["segment", SpeakerTests.conversation, "--rttm", SpeakerTests.rttm, "--project", p.dir]).status == 0)
        let t = try p.start(["transcribe", "--as", "amina"])
        try t.waitFor("speaker: sw-mazungumzo/SPEAKER_00")
        try t.press("F6")
        var screen = try t.waitFor("Who speaks in this segment?")
        #expect(screen.contains("1 sw-mazungumzo/SPEAKER_00") && screen.contains("2 sw-mazungumzo/SPEAKER_01"))
        try t.press("2")
        try t.waitFor("Speaker set: sw-mazungumzo/SPEAKER_01")
        // A new name, typed; the text typed before is untouched.
        try t.type("Habari yako")
        try t.press("C-o")
        try t.waitFor("Who speaks in this segment?")
        try t.type("Neema 2")
        try t.press("Enter")
        screen = try t.waitFor("Speaker set: Neema 2")
        #expect(screen.contains("> Habari yako"))
        try t.press("C-q")
        try t.waitFor("Quit now?")
        try t.press("y")
        try t.waitForExit()
        let listed = try SpeakerTests.segments(p.dir)
        #expect(listed.first?["speaker"] as? String == "Neema 2" && listed.first?["speaker_source"] as? String == "loop")
        // Diarization run again never replaces a person's choice.
        #expect(try ChorusProcess.run(["segment", SpeakerTests.conversation, "--rttm", SpeakerTests.rttm, "--project", p.dir]).status == 0)
        #expect(try SpeakerTests.segments(p.dir).first?["speaker"] as? String == "Neema 2")
    }
}
