import ChorusAudio
import Foundation

/// Writes a long test recording block by block: a minute of speech-like bursts and pauses
/// (0.3 to 4 s), tiled, over low hiss (and with `hum`, over 50 Hz mains hum and its harmonics
/// at about -43 dBFS RMS, which makes the segmenter run its hum notches), so memory stays flat
/// however long the file.
func generate(path: String, hours: Double, rate: Int, channels: Int, type: AudioFileType, hum: Bool = false) throws {
    let minute = speechMinute(rate: rate)
    let frames = Int(hours * 3600 * Double(rate))
    let writer = try AudioWriter(path: path, type: type, encoding: .pcm16, sampleRate: rate, channels: channels, compressionLevel: 0)
    var block = [Float](repeating: 0, count: 65_536 * channels)
    var written = 0
    var noise: UInt64 = 0x2545_F491_4F6C_DD1D
    while written < frames {
        let n = min(65_536, frames - written)
        for i in 0..<n {
            noise ^= noise << 13; noise ^= noise >> 7; noise ^= noise << 17
            let hiss = (Float(noise >> 40) / Float(1 << 24) - 0.5) * 0.002
            var x = minute[(written + i) % minute.count] + hiss
            if hum {
                let t = Double(written + i) / Double(rate)
                x += Float(0.008 * (sin(2 * .pi * 50 * t) + 0.5 * sin(2 * .pi * 100 * t) + 0.35 * sin(2 * .pi * 150 * t) + 0.2 * sin(2 * .pi * 200 * t)))
            }
            for c in 0..<channels { block[i * channels + c] = c == 0 ? x : 0.8 * x }
        }
        try block.withUnsafeBufferPointer { try writer.write(UnsafeBufferPointer(rebasing: $0[0..<(n * channels)])) }
        written += n
    }
    try writer.finish()
}

/// One minute of speech-like bursts: harmonics on a gliding fundamental under a syllable envelope.
private func speechMinute(rate: Int) -> [Float] {
    let pattern: [Double] = [0.8, 2.4, 0.35, 1.1, 1.6, 4.0, 0.5, 3.2, 2.5, 1.7, 0.3, 5.5, 4.0, 2.2, 0.7, 6.0, 1.2, 3.3, 0.9, 2.6, 1.0, 3.1, 0.4, 4.2, 1.3, 2.9, 3.1]
    var out: [Float] = []
    out.reserveCapacity(rate * 60)
    var phase = 0.0
    for (k, seconds) in pattern.enumerated() {
        let n = Int(seconds * Double(rate))
        if k % 2 == 0 {
            out += [Float](repeating: 0, count: n)
            continue
        }
        for i in 0..<n {
            let t = Double(i) / Double(rate)
            let f0 = 140 + 30 * sin(2 * .pi * 0.6 * t + Double(k))
            phase += 2 * .pi * f0 / Double(rate)
            var x = 0.0
            for h in 1...12 { x += sin(Double(h) * phase) / Double(h) }
            let env = (0.6 + 0.4 * sin(2 * .pi * 4 * t)) * min(1, Double(min(i, n - i)) / (0.005 * Double(rate)))
            out.append(Float(0.1 * env * x))
        }
    }
    return out
}
