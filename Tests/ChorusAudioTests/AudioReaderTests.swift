import ChorusAudio
import Foundation
import Testing
import TestSupport

/// A lossless format in the grid: container, sample encoding and the bits that survive.
struct LosslessCase: CustomTestStringConvertible, Sendable {
    let type: AudioFileType
    let encoding: SampleEncoding
    let bits: Int
    var testDescription: String { "\(type.rawValue) \(encoding.rawValue)" }
}

@Suite struct AudioReaderTests {
    static let lossless = [
        LosslessCase(type: .wav, encoding: .pcm8, bits: 8),
        LosslessCase(type: .wav, encoding: .pcm16, bits: 16),
        LosslessCase(type: .wav, encoding: .pcm24, bits: 24),
        LosslessCase(type: .wav, encoding: .pcm32, bits: 32),
        LosslessCase(type: .wav, encoding: .float32, bits: 24),
        LosslessCase(type: .flac, encoding: .pcm8, bits: 8),
        LosslessCase(type: .flac, encoding: .pcm16, bits: 16),
        LosslessCase(type: .flac, encoding: .pcm24, bits: 24),
    ]

    /// Channels carry different signals, so a channel mix-up fails the comparison.
    static func signal(rate: Int, channels: Int, seconds: Double = 0.3) -> [Float] {
        Signals.interleave((0..<channels).map { c in
            Signals.sine(frequency: 220 * Double(c + 1), seconds: seconds, rate: rate, amplitude: 0.8 / Double(c + 1))
        })
    }

    @Test("lossless formats read back sample for sample", arguments: lossless, [8_000, 16_000, 44_100, 96_000])
    func losslessRoundTrip(format: LosslessCase, rate: Int) throws {
        let dir = try Fixtures.scratch()
        for channels in [1, 2, 6] {
            let written = Self.signal(rate: rate, channels: channels)
            let path = try Fixtures.write(written, to: "\(dir)/x-\(channels).\(format.type.fileExtension)", rate: rate, channels: channels, type: format.type, encoding: format.encoding)
            let (info, read) = try Fixtures.readAll(path)
            #expect(info.sampleRate == rate)
            #expect(info.channels == channels)
            #expect(info.declaredFrames == Int64(written.count / channels))
            #expect(read.count == written.count)
            // libsndfile writes floats scaled by 2^(b-1) - 1 and rounded, and reads back divided by 2^(b-1).
            let full = Double(Int64(1) << (format.bits - 1))
            let expected = written.map { x -> Float in
                format.encoding == .float32 ? x : Float((Double(x) * (full - 1)).rounded() / full)
            }
            let worst = zip(expected, read).map { abs($0 - $1) }.max() ?? 0
            // Ties may round either way in single precision: at most one step off.
            #expect(worst <= Float(1 / full) + 2e-7, "worst error \(worst) for \(format.bits)-bit samples")
            #expect(info.containerExtension == format.type.rawValue)
        }
    }

    @Test("lossy codecs decode to the right length and level", arguments: [
        (AudioFileType.ogg, 8_000), (.ogg, 16_000), (.ogg, 44_100), (.ogg, 48_000),
        (.opus, 8_000), (.opus, 16_000), (.opus, 48_000),
        (.mp3, 8_000), (.mp3, 16_000), (.mp3, 44_100), (.mp3, 48_000),
    ])
    func lossyRoundTrip(type: AudioFileType, rate: Int) throws {
        let writable = AudioWriter.canWrite(type: type, encoding: .codec, sampleRate: rate, channels: 2)
        // MP3 is read "where the installed libsndfile reads it": a build without an MP3 encoder
        // leaves nothing to write here. Vorbis and Opus are always in Debian's libsndfile.
        guard writable || type != .mp3 else { return }
        #expect(writable, "this libsndfile cannot write \(type.rawValue) at \(rate) Hz")
        let dir = try Fixtures.scratch()
        for channels in [1, 2] {
            let written = Self.signal(rate: rate, channels: channels, seconds: 2)
            let path = try Fixtures.write(written, to: "\(dir)/x-\(channels).\(type.fileExtension)", rate: rate, channels: channels, type: type, encoding: .codec)
            let (info, read) = try Fixtures.readAll(path)
            #expect(info.sampleRate == rate)
            #expect(info.channels == channels)
            let frames = read.count / channels
            // Codecs add priming and padding: allow 0.1 s either way on 2 s.
            #expect(abs(frames - written.count / channels) < rate / 10, "decoded \(frames) frames")
            func rms(_ x: ArraySlice<Float>) -> Double { (x.reduce(0) { $0 + Double($1 * $1) } / Double(max(x.count, 1))).squareRoot() }
            let mid = read.count / 4..<(read.count * 3 / 4)
            let ratio = 20 * log10(rms(read[mid]) / rms(written[mid]))
            #expect(abs(ratio) < 1.5, "level differs by \(ratio) dB")
        }
    }

    @Test func missingFileIsNamed() {
        let error = #expect(throws: AudioError.self) { try AudioReader(path: "/nonexistent/talk.wav") }
        #expect(error?.code == .notFound)
        #expect(error?.description.hasPrefix("/nonexistent/talk.wav: ") == true)
    }

    @Test func emptyFileIsRefused() throws {
        let path = try Fixtures.scratch() + "/empty.wav"
        try Fixtures.writeText("", to: path)
        let error = #expect(throws: AudioError.self) { try AudioReader(path: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.description == "\(path): file is empty (0 bytes)")
    }

    @Test func textFileNamedWavCarriesLibsndfilesMessage() throws {
        let path = try Fixtures.scratch() + "/notes.wav"
        try Fixtures.writeText("these are my notes, not audio\n", to: path)
        let error = #expect(throws: AudioError.self) { try AudioReader(path: path) }
        #expect(error?.code == .unreadable)
        #expect(error?.cause?.isEmpty == false)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains(error?.cause ?? "-") == true)
    }

    @Test func folderIsNotAudio() throws {
        let dir = try Fixtures.scratch()
        let error = #expect(throws: AudioError.self) { try AudioReader(path: dir) }
        #expect(error?.message.contains("directory") == true)
    }

    @Test func damagedFlacFailsWithTheTimeOfTheDamage() throws {
        let path = try Fixtures.scratch() + "/damaged.flac"
        try Fixtures.write(Signals.whiteNoise(count: 16_000 * 20, level: -20), to: path, rate: 16_000, type: .flac)
        try Fixtures.corrupt(path, at: try Fixtures.size(path) / 2, count: 4000)
        let error = #expect(throws: AudioError.self) { try Fixtures.readAll(path) }
        #expect(error?.code == .decode)
        #expect(error?.message.contains("damaged after") == true)
    }

    @Test func writerLeavesNothingBehindWhenNotFinished() throws {
        let dir = try Fixtures.scratch()
        do {
            let writer = try AudioWriter(path: "\(dir)/half.wav", type: .wav, encoding: .pcm16, sampleRate: 8000, channels: 1)
            try writer.write([0.1, 0.2, 0.3])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// The writer replaces what a symbolic link points to, keeps the link and the replaced
    /// file's permissions, and a writer never finished leaves the old file whole.
    @Test func writerReplacesALinksTargetAndKeepsTheLinkAndPermissions() throws {
        let dir = try Fixtures.scratch()
        try FileManager.default.createDirectory(atPath: dir + "/takes", withIntermediateDirectories: true)
        try Fixtures.write([0.5, 0.5], to: dir + "/takes/clip.wav", rate: 8000)
        #expect(chmod(dir + "/takes/clip.wav", 0o640) == 0)
        #expect(symlink("takes/clip.wav", dir + "/clip.wav") == 0)
        do {
            let abandoned = try AudioWriter(path: dir + "/clip.wav", type: .wav, encoding: .pcm16, sampleRate: 8000, channels: 1)
            try abandoned.write([0.1])
        }
        #expect(try Fixtures.readAll(dir + "/takes/clip.wav").0.declaredFrames == 2)
        try Fixtures.write([0.25, 0.25, 0.25], to: dir + "/clip.wav", rate: 8000)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/clip.wav") == "takes/clip.wav")
        #expect(try Fixtures.readAll(dir + "/takes/clip.wav").0.declaredFrames == 3)
        var info = stat()
        #expect(stat(dir + "/takes/clip.wav", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/takes") == ["clip.wav"])
    }

    @Test func writerRefusesImpossibleFormats() throws {
        let dir = try Fixtures.scratch()
        #expect(throws: AudioError.self) {
            try AudioWriter(path: "\(dir)/x.opus", type: .opus, encoding: .codec, sampleRate: 44_100, channels: 1)
        }
        #expect(throws: AudioError.self) {
            try AudioWriter(path: "\(dir)/x.wav", type: .wav, encoding: .pcm16, sampleRate: 8000, channels: 0)
        }
    }
}

/// Encoding in memory gives the bytes libsndfile reads back as the same audio.
@Suite struct MemoryEncoderTests {
    @Test(arguments: [AudioFileType.flac, .wav, .opus]) func encodedBytesDecodeToTheSamples(type: AudioFileType) throws {
        let rate = type == .opus ? 48_000 : 16_000
        let samples = (0..<(rate / 2)).map { Float(sin(Double($0) * 2 * .pi * 440 / Double(rate)) * 0.5) }
        let bytes = try MemoryEncoder.encode(samples, type: type, encoding: type == .opus ? .codec : .pcm16, sampleRate: rate, channels: 1,
                                             compressionLevel: type == .flac ? 0 : nil)
        let path = try Fixtures.scratch() + "/clip." + type.fileExtension
        try bytes.write(to: URL(fileURLWithPath: path))
        let decoded = try Fixtures.readAll(path)
        #expect(decoded.info.sampleRate == rate && decoded.info.channels == 1)
        if type == .opus {
            #expect(abs(decoded.samples.count - samples.count) < rate / 20, "about half a second")
        } else {
            #expect(decoded.samples.count == samples.count)
            #expect(zip(decoded.samples, samples).allSatisfy { abs($0 - $1) < 1.0 / 16_000 }, "16-bit: within one step")
        }
    }

    @Test func nothingToEncodeIsAValidEmptyFile() throws {
        let bytes = try MemoryEncoder.encode([], type: .wav, encoding: .pcm16, sampleRate: 16_000, channels: 1)
        #expect(bytes.count == 44, "a WAV header and no samples")
    }
}
