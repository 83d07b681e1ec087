import ChorusSupport
import ChorusAudio
import ChorusValidation
import Foundation

/// Cuts every utterance's clip from its recording (with the segment's padding), mixes down
/// to mono unless the channels are kept, resamples with libsoxr and writes FLAC or WAV;
/// recordings side by side over the cores.
enum Clips {
    struct Failure: Error, Sendable {
        let recording: Int
        let message: String
    }

    /// Fills in each utterance's `frames`; utterances of a recording that cannot be read are
    /// returned as failures (and keep `frames` 0).
    static func write(_ corpus: inout Corpus, options: ExportOptions, output: Output, progress: @escaping @Sendable (Int) -> Void) -> [Failure] {
        var grouped: [Int: [Int]] = [:]
        for (i, u) in corpus.utterances.enumerated() { grouped[u.recording, default: []].append(i) }
        // Jobs of up to 32 neighbouring clips, each with its own reader, so one long recording
        // keeps every core busy too.
        var jobs: [(recording: Int, indices: [Int])] = []
        for r in grouped.keys.sorted() {
            let sorted = (grouped[r] ?? []).sorted { corpus.utterances[$0].start < corpus.utterances[$1].start }
            for start in stride(from: 0, to: sorted.count, by: 32) {
                jobs.append((r, Array(sorted[start..<min(start + 32, sorted.count)])))
            }
        }
        let snapshot = corpus
        let results = Parallel.each(jobs) { job -> Result<[(Int, Int)], Failure> in
            let (r, indices) = job
            do {
                let frames = try cut(snapshot.recordings[r].path, indices.map { snapshot.utterances[$0] }, options: options, output: output, progress: progress)
                return .success(Array(zip(indices, frames)))
            } catch {
                return .failure(Failure(recording: r, message: "\(error)"))
            }
        }
        var failures: [Failure] = []
        for result in results {
            switch result {
            case .success(let pairs): for (i, frames) in pairs { corpus.utterances[i].frames = frames }
            case .failure(let f): if !failures.contains(where: { $0.recording == f.recording }) { failures.append(f) }
            }
        }
        return failures
    }

    private static func cut(_ path: String, _ utterances: [Utterance], options: ExportOptions, output: Output, progress: @Sendable (Int) -> Void) throws -> [Int] {
        var reader: AudioReader?
        defer { reader?.close() }
        var frames: [Int] = []
        for u in utterances {
            if output.exists(u.audioPath), let info = try? AudioReader.withReader(at: output.path(u.audioPath), { $0.info }),
               info.sampleRate == options.sampleRate {
                // Cut by an earlier, interrupted run.
                output.keep(u.audioPath)
                frames.append(Int(info.declaredFrames))
                progress(1)
                continue
            }
            if reader == nil { reader = try AudioReader(path: path) }
            guard let reader else { continue }
            let rate = reader.info.sampleRate, channels = reader.info.channels
            let first = Int64((u.start * Double(rate)).rounded())
            let count = max(0, Int((u.end * Double(rate)).rounded()) - Int(first))
            try reader.seek(toFrame: first)
            var samples = [Float](repeating: 0, count: count * channels)
            var filled = 0
            while filled < samples.count {
                let n = try samples.withUnsafeMutableBufferPointer { buffer in
                    try reader.read(into: UnsafeMutableBufferPointer(rebasing: buffer[filled...]))
                }
                if n == 0 { break }
                filled += n * channels
            }
            samples.removeSubrange(filled...)
            // A recording shorter than its segments (truncated or replaced since import) is not
            // cut into short or empty clips.
            if filled / channels + 1 < count {
                throw AudioError(code: .decode, path: path, message: String(format: "ends at %.3f s, before the end of segment %lld (%.3f s): truncated or changed since it was imported?",
                                                                             Double(first + Int64(filled / channels)) / Double(rate), u.segmentID, u.end))
            }
            var outChannels = channels
            if !options.keepChannels && channels > 1 {
                samples = mixDown(samples, channels: channels)
                outChannels = 1
            }
            let resampled = clamp(try Resampler.resample(samples, channels: outChannels, from: rate, to: options.sampleRate))
            try output.makeFolder(for: u.audioPath)
            try AudioWriter.withWriter(path: output.path(u.audioPath), type: options.audioType, encoding: .pcm16, sampleRate: options.sampleRate, channels: outChannels) {
                try $0.write(resampled)
            }
            output.keep(u.audioPath)
            frames.append(resampled.count / outChannels)
            progress(1)
        }
        return frames
    }

    /// Writes each recording whole, streamed in blocks (constant memory however long),
    /// mixed down and resampled like the clips; fills in each recording's `frames`.
    static func writeRecordings(_ corpus: inout Corpus, options: ExportOptions, output: Output, progress: @escaping @Sendable (Int) -> Void) -> [Failure] {
        let snapshot = corpus
        // Only recordings something in the corpus points into (not one whose segments were all left out).
        let live = Set(corpus.utterances.map(\.recording))
        let indices = corpus.recordings.indices.filter { live.contains($0) }
        let results = Parallel.each(indices) { r -> Result<Int, Failure> in
            let recording = snapshot.recordings[r]
            do {
                defer { progress(1) }
                if output.exists(recording.audioPath), let info = try? AudioReader.withReader(at: output.path(recording.audioPath), { $0.info }),
                   info.sampleRate == options.sampleRate {
                    output.keep(recording.audioPath)
                    return .success(Int(info.declaredFrames))
                }
                return .success(try AudioReader.withReader(at: recording.path) { reader in
                    let channels = reader.info.channels
                    let outChannels = options.keepChannels ? channels : 1
                    let resampler = reader.info.sampleRate == options.sampleRate ? nil
                        : try StreamResampler(channels: outChannels, from: reader.info.sampleRate, to: options.sampleRate)
                    try output.makeFolder(for: recording.audioPath)
                    let writer = try AudioWriter(path: output.path(recording.audioPath), type: options.audioType, encoding: .pcm16,
                                                 sampleRate: options.sampleRate, channels: outChannels)
                    var block = [Float](repeating: 0, count: 65_536 * channels)
                    var frames = 0
                    func emit(_ samples: [Float]) throws {
                        let clamped = clamp(samples)
                        try writer.write(clamped)
                        frames += clamped.count / outChannels
                    }
                    while true {
                        let n = try block.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
                        if n == 0 { break }
                        var samples = Array(block[0..<(n * channels)])
                        if outChannels == 1 && channels > 1 { samples = mixDown(samples, channels: channels) }
                        try emit(resampler.map { try $0.process(samples) } ?? samples)
                    }
                    if let resampler { try emit(try resampler.flush()) }
                    try writer.finish()
                    output.keep(recording.audioPath)
                    return frames
                })
            } catch {
                return .failure(Failure(recording: r, message: "\(error)"))
            }
        }
        var failures: [Failure] = []
        for (r, result) in zip(indices, results) {
            switch result {
            case .success(let frames): corpus.recordings[r].frames = frames
            case .failure(let f): failures.append(f)
            }
        }
        return failures
    }

    /// Samples held within 16-bit range, so a mix or the resampler's overshoot never wraps.
    static func clamp(_ samples: [Float]) -> [Float] {
        samples.map { min(max($0, -1), 32767.0 / 32768.0) }
    }

    static func mixDown(_ samples: [Float], channels: Int) -> [Float] {
        let n = samples.count / channels
        var out = [Float](repeating: 0, count: n)
        let scale = 1 / Float(channels)
        samples.withUnsafeBufferPointer { s in
            for i in 0..<n {
                var sum: Float = 0
                for c in 0..<channels { sum += s[i * channels + c] }
                out[i] = sum * scale
            }
        }
        return out
    }
}
