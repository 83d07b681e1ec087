import ChorusAudio
import ChorusSegmentation

/// `chorus-bench trace FILE [FROM TO]`: prints every frame decision between FROM and TO seconds.
func trace(path: String, from: Double, to: Double) throws {
    try AudioReader.withReader(at: path) { reader in
        var segmenter = try SilenceSegmenter(sampleRate: reader.info.sampleRate, channels: reader.info.channels)
        let hop = segmenter.configuration.frameDuration
        segmenter.trace = { d in
            let t = Double(d.frame) * hop
            guard t >= from && t < to else { return }
            let r = { (x: Float) in String(Double((x * 10).rounded()) / 10) }
            print("\(String(Double((t * 100).rounded()) / 100))\t\(r(d.energy))\tfloor \(r(d.floor))\tlevel \(r(d.level))\tstart \(r(d.start))\tstop \(r(d.stop))\tvoicing \(r(d.voicing))\tlow \(r(d.lowEnergy)) over \(r(d.lowFloor))\t\(d.speech ? "SPEECH" : "")")
        }
        var buffer = [Float](repeating: 0, count: 4096 * reader.info.channels)
        try buffer.withUnsafeMutableBufferPointer { block in
            while true {
                let n = try reader.read(into: block)
                if n == 0 { break }
                segmenter.process(UnsafeBufferPointer(rebasing: block[0..<(n * reader.info.channels)])) { _ in }
            }
        }
        _ = segmenter.finish { _ in }
    }
}
