import ChorusAudio
import ChorusIngest
import ChorusSegmentation
import Foundation
import Testing
import TestSupport

@Suite struct BadInputTests {
    let config = SegmenterConfiguration()

    func speechFile(_ path: String, type: AudioFileType = .wav, seconds pattern: [Double] = [1, 2, 1, 2, 1]) throws -> String {
        try Fixtures.write(Signals.compose(rate: 16_000, pattern: pattern).samples, to: path, rate: 16_000, type: type)
    }

    @Test func truncatedWavFailsUnlessAllowed() throws {
        let path = try speechFile(try Fixtures.scratch() + "/cut.wav")
        try Fixtures.truncate(path, to: try Fixtures.size(path) / 2)
        let error = #expect(throws: AudioError.self) { try FileSegmenter.segment(path: path, configuration: config) }
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.message.contains("truncated") == true)
        #expect(error?.message.contains("--allow-truncated") == true)
        let kept = try FileSegmenter.segment(path: path, configuration: config, allowTruncated: true)
        #expect(kept.segments.count >= 1)
        #expect(kept.warnings.count == 1)
        #expect(kept.summary.duration < 3.6)
    }

    @Test func flacWithCorruptedFramesFailsAndNamesWhere() throws {
        let path = try speechFile(try Fixtures.scratch() + "/damaged.flac", type: .flac, seconds: [1, 3, 1, 3, 1, 3, 1, 3, 1])
        try Fixtures.corrupt(path, at: try Fixtures.size(path) * 2 / 3, count: 3000)
        let error = #expect(throws: AudioError.self) { try FileSegmenter.segment(path: path, configuration: config) }
        #expect(error?.code == .decode)
        #expect(error?.description.hasPrefix(path + ": audio data is damaged after ") == true)
        let kept = try FileSegmenter.segment(path: path, configuration: config, allowTruncated: true)
        #expect(kept.segments.count >= 2)
        #expect(kept.warnings.first?.contains("damaged") == true)
    }

    @Test func zeroLengthAudioIsAnError() throws {
        let path = try Fixtures.write([], to: try Fixtures.scratch() + "/nothing.wav", rate: 16_000)
        let error = #expect(throws: AudioError.self) { try FileSegmenter.segment(path: path, configuration: config) }
        #expect(error?.description == "\(path): holds no audio (0 frames)")
    }

    @Test func allSilenceGivesNoSegmentsAndNoError() throws {
        let path = try Fixtures.write(Signals.silence(seconds: 12, rate: 16_000), to: try Fixtures.scratch() + "/quiet.flac", rate: 16_000, type: .flac)
        let result = try FileSegmenter.segment(path: path, configuration: config)
        #expect(result.segments.isEmpty)
        #expect(result.summary.duration == 12)
        #expect(!result.summary.noPauseFound)
    }

    @Test func aChannelTheFileDoesNotHaveIsAnErrorNamingTheFile() throws {
        let path = try speechFile(try Fixtures.scratch() + "/mono.wav")
        var c = config
        c.channel = .index(3)
        let error = #expect(throws: AudioError.self) { try FileSegmenter.segment(path: path, configuration: c) }
        #expect(error?.description.contains("channel 3 does not exist") == true)
    }

    @Test func foldersAreWalkedInOrderSkippingHiddenAndNonAudioFiles() throws {
        let dir = try Fixtures.scratch()
        try FileManager.default.createDirectory(atPath: dir + "/b/deeper", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/.cache", withIntermediateDirectories: true)
        for name in ["b/deeper/z.flac", "b/a.WAV", "c.ogg", ".cache/x.wav", "notes.txt", "a.mp3"] {
            try Fixtures.writeText("x", to: dir + "/" + name)
        }
        let (files, problems) = AudioPaths.expand([dir, dir + "/notes.txt", dir + "/missing.wav"])
        #expect(files == ["a.mp3", "b/a.WAV", "b/deeper/z.flac", "c.ogg", "notes.txt"].map { dir + "/" + $0 })
        #expect(problems.map(\.path) == [dir + "/missing.wav"])
    }

    @Test func aBatchGoesOnPastBadFilesAndKeepsInputOrder() throws {
        let dir = try Fixtures.scratch()
        var files: [String] = []
        for i in 0..<6 {
            if i % 3 == 1 {
                let bad = dir + "/\(i)-bad.wav"
                try Fixtures.writeText("not audio", to: bad)
                files.append(bad)
            } else {
                files.append(try speechFile(dir + "/\(i)-good.wav"))
            }
        }
        var seen: [Int] = []
        var outcomes: [FileOutcome] = []
        var progress: [Int] = []
        BatchSegmenter.run(files: files, configuration: config, jobs: 3, progress: { progress.append($0) }) { index, outcome in
            seen.append(index)
            outcomes.append(outcome)
        }
        #expect(seen == Array(0..<6))
        #expect(progress.last == 6)
        for (i, outcome) in outcomes.enumerated() {
            switch outcome {
            case .segmented(let result):
                #expect(i % 3 != 1)
                #expect(result.path == files[i])
                #expect(result.segments.count == 2)
            case .failed(let path, let reason):
                #expect(i % 3 == 1)
                #expect(path == files[i])
                #expect(reason.contains("cannot open as audio"))
            }
        }
    }

    @Test func manifestLinesAreValidJSONWithExactDurations() throws {
        let segment = Segment(start: 1.23449, end: 2.0006, speechStart: 1.3, speechEnd: 1.95)
        let line = SegmentManifest.line(file: "odd \"name\"\\\n\u{01}.wav", index: 3, segment: segment)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["file"] as? String == "odd \"name\"\\\n\u{01}.wav")
        #expect(object?["index"] as? Int == 3)
        #expect(line.contains("\"start\":1.234,\"end\":2.001,\"duration\":0.767,"))
    }
}
