import ChorusAudio
import Foundation
import Testing
import TestSupport

@Suite struct ResamplerTests {
    @Test(arguments: [(48_000, 16_000), (22_050, 16_000), (8_000, 16_000), (44_100, 48_000)])
    func keepsDurationAndPitchAndStreamsLikeOneShot(from: Int, to: Int) throws {
        let tone = Signals.sine(frequency: 440, seconds: 2, rate: from)
        let whole = try Resampler.resample(tone, channels: 1, from: from, to: to)
        #expect(abs(whole.count - 2 * to) <= 1, "2 s stay 2 s")
        // Zero crossings of a 440 Hz tone: 880 a second whatever the rate.
        let middle = whole[(to / 4)..<(2 * to - to / 4)]
        let crossings = zip(middle, middle.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        #expect(abs(Double(crossings) / 1.5 - 880) < 2)
        // In blocks of odd sizes: the same samples.
        let stream = try StreamResampler(channels: 1, from: from, to: to)
        var streamed: [Float] = []
        var i = 0, size = 777
        while i < tone.count {
            streamed += try stream.process(Array(tone[i..<min(i + size, tone.count)]))
            i += size
            size = size * 3 % 5000 + 100
        }
        streamed += try stream.flush()
        #expect(abs(streamed.count - whole.count) <= 1)
        let n = min(streamed.count, whole.count)
        #expect(zip(streamed[0..<n], whole[0..<n]).map { abs($0 - $1) }.max() ?? 1 < 1e-4)
    }
}
