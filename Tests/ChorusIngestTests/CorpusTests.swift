import ChorusIngest
import ChorusSegmentation
import Foundation
import Testing
import TestSupport

/// One line of Corpora/sample/references.jsonl.
struct Reference: Decodable {
    let recording: String
    let index: Int
    let lang: String
    let start: Double
    let end: Double
    let text: String
    let translations: [String: String]
    /// The conversation's speaker (as its RTTM names them).
    let speaker: String?
}

@Suite struct CorpusTests {
    static func references() throws -> [Reference] {
        let text = try String(contentsOfFile: Fixtures.corpus + "/references.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Reference.self, from: Data($0.utf8)) }
    }

    /// The sample recordings as libsndfile decodes them, with the voicing on its own thread
    /// (a single file with a core to spare) and without: the same segments and summary.
    @Test func aSecondThreadForTheVoicingChangesNothing() throws {
        let recordings = Set(try Self.references().map(\.recording)).sorted()
        #expect(recordings.count >= 3)
        for recording in recordings {
            let path = Fixtures.corpus + "/" + recording
            let serial = try FileSegmenter.segment(path: path, configuration: SegmenterConfiguration())
            let concurrent = try FileSegmenter.segment(path: path, configuration: SegmenterConfiguration(), concurrent: true)
            #expect(concurrent.segments == serial.segments, "\(recording)")
            #expect(concurrent.summary == serial.summary, "\(recording)")
            #expect(!serial.segments.isEmpty, "\(recording)")
        }
        #expect(FileSegmenter.coreToSpare(jobs: 4, files: 1) == (ProcessInfo.processInfo.activeProcessorCount > 1))
        #expect(!FileSegmenter.coreToSpare(jobs: ProcessInfo.processInfo.activeProcessorCount, files: 100))
    }

    @Test func everyReferenceUtteranceIsOneSegment() throws {
        let references = try Self.references()
        #expect(references.count == 33)
        let diarization = try Diarization(files: [Fixtures.corpus + "/sw-mazungumzo.rttm"], global: true)
        for recording in Set(references.map(\.recording)).sorted() {
            let expected = references.filter { $0.recording == recording }
            var result = try FileSegmenter.segment(path: Fixtures.corpus + "/" + recording, configuration: SegmenterConfiguration())
            // The conversation's quick replies are cut from the turn before by its RTTM, at the
            // change of speaker, and each segment gets its speaker.
            diarization.apply(to: &result)
            if expected.contains(where: { $0.speaker != nil }) {
                #expect(result.speakerCuts == 2 && result.speakers == expected.map(\.speaker), "\(recording)")
            }
            #expect(result.segments.count == expected.count, "\(recording)")
            for (segment, reference) in zip(result.segments, expected) {
                // The generator knows where each synthesised sentence starts and ends.
                #expect(abs(segment.speechStart - reference.start) < 0.15, "\(recording) #\(reference.index) start \(segment.speechStart)")
                #expect(abs(segment.speechEnd - reference.end) < 0.15, "\(recording) #\(reference.index) end \(segment.speechEnd)")
                #expect(segment.start <= segment.speechStart && segment.end >= segment.speechEnd)
            }
            #expect(!result.summary.noPauseFound)
            #expect(result.warnings.isEmpty)
        }
    }

    @Test func everyUtteranceHasItsTranslation() throws {
        for reference in try Self.references() {
            #expect(!reference.text.isEmpty)
            let other = reference.lang == "sw" ? "en" : "sw"
            #expect(reference.translations[other]?.isEmpty == false, "\(reference.recording) #\(reference.index)")
        }
    }
}
