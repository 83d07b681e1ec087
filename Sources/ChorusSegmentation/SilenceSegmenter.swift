import Dispatch

/// Splits audio into speech segments on silence, streaming: feed blocks of interleaved
/// samples as they are decoded and receive segments as soon as they are decided.
///
/// Memory is fixed by the configuration (the noise window and maximum segment length), not
/// by the length of the audio. The same input and configuration always give the same output.
///
/// ```swift
/// var segmenter = try SilenceSegmenter(sampleRate: 16_000, channels: 1)
/// segmenter.process(block) { segment in print(segment.start, segment.end) }
/// let summary = segmenter.finish { segment in print(segment.start, segment.end) }
/// ```
public struct SilenceSegmenter {
    /// The parameters in use.
    public let configuration: SegmenterConfiguration
    /// Frames per second of the input.
    public let sampleRate: Int
    /// Interleaved channels of the input.
    public let channels: Int

    private var meter: BandEnergyMeter
    /// The block's analysis-rate samples, which the energy meter and the voicing meter both read.
    private var scratch: [Float] = []
    /// The two halves of the analysis, which may run on two threads at once (``concurrent``):
    /// neither touches the other's state.
    private var voicingStage: VoicingStage
    private var decisions: Decisions
    private let hopSeconds: Double
    private var samplesSeen: Int64 = 0
    private var held: SpeechRegion?
    private var previousEnd: Double?
    private var summary = SegmentationSummary()

    /// - Throws: ``SegmentationError`` when a parameter cannot work for this input.
    public init(configuration: SegmenterConfiguration = SegmenterConfiguration(), sampleRate: Int, channels: Int) throws {
        guard sampleRate > 0, channels > 0 else {
            throw SegmentationError(code: .invalidConfiguration, message: "input must have at least one channel and a positive sample rate")
        }
        if let problem = configuration.problem(sampleRate: sampleRate, channels: channels) {
            throw SegmentationError(code: .invalidConfiguration, message: problem)
        }
        self.configuration = configuration
        self.sampleRate = sampleRate
        self.channels = channels
        var picked: Int?
        if case .index(let i) = configuration.channel { picked = i }
        meter = BandEnergyMeter(
            sampleRate: sampleRate, channels: channels, channel: picked, frameDuration: configuration.frameDuration,
            bandLow: configuration.bandLow, bandHigh: configuration.bandHigh)
        hopSeconds = Double(meter.hopFrames) / Double(sampleRate)
        voicingStage = VoicingStage(meter: VoicingMeter(analysisRate: meter.analysisRate, hopSamples: meter.hopSamples))
        decisions = Decisions(detector: SpeechDetector(configuration: configuration, framesPerSecond: 1 / hopSeconds))
    }

    /// Whether a block's voicing is measured on a second thread while this one filters the band
    /// energy and decides the frames before it. The output is the same either way; it is faster
    /// when a core is free (one file at a time), and only adds switching when every core is
    /// already busy with a file of its own (batches of files turn it off then).
    public var concurrent = false

    /// Receives every frame decision when set (a debugging aid; slows the segmenter down).
    public var trace: ((FrameDecision) -> Void)? {
        get { decisions.detector.trace }
        set { decisions.detector.trace = newValue }
    }

    /// Feeds interleaved samples (any number of whole frames); calls `emit` for each segment decided.
    public mutating func process(_ samples: UnsafeBufferPointer<Float>, emit: (Segment) -> Void) {
        samplesSeen += Int64(samples.count / channels)
        let count = meter.decimate(samples, into: &scratch)
        if concurrent && count >= Self.concurrentMinimum {
            // One thread measures this block's voicing (reading `scratch`, writing only
            // `voicingStage`); the other filters its band energy (`meter`) and decides the
            // frames whose voicing came with earlier blocks (`decisions`). Both finish before
            // this returns, and this block's voicing is handed over after.
            let block = scratch[0..<count]
            withUnsafeMutablePointer(to: &voicingStage) { voicing in
                withUnsafeMutablePointer(to: &meter) { meter in
                    withUnsafeMutablePointer(to: &decisions) { decisions in
                        nonisolated(unsafe) let (voicing, meter, decisions) = (voicing, meter, decisions)
                        DispatchQueue.concurrentPerform(iterations: 2) { part in
                            if part == 0 {
                                voicing.pointee.measure(block)
                            } else {
                                meter.pointee.filter(into: &decisions.pointee.powers)
                                decisions.pointee.pushReady(finishing: false)
                            }
                        }
                    }
                }
            }
            decisions.voicing += voicingStage.fresh
        } else {
            voicingStage.measure(scratch[0..<count])
            decisions.voicing += voicingStage.fresh
            meter.filter(into: &decisions.powers)
            decisions.pushReady(finishing: false)
        }
        emitRegions(emit)
    }

    /// Smallest block (analysis samples) worth handing to a second thread.
    static let concurrentMinimum = 4096

    /// The voicing meter, and the voicing of the block it last read.
    private struct VoicingStage {
        var meter: VoicingMeter
        var fresh: [FrameVoicing] = []

        mutating func measure(_ samples: ArraySlice<Float>) {
            fresh.removeAll(keepingCapacity: true)
            meter.feed(samples, into: &fresh)
        }
    }

    /// The detector, with the frames' powers and voicing not yet handed to it (from `powerHead`
    /// and `voicingHead` on: a frame goes once both have arrived) and the regions it decided.
    private struct Decisions {
        var detector: SpeechDetector
        var powers: [Float] = []
        var powerHead = 0
        var voicing: [FrameVoicing] = []
        var voicingHead = 0
        var regions: [SpeechRegion] = []

        /// Hands the detector each frame whose power and voicing have both arrived (at the end
        /// of the input, a frame whose voicing never came reads unvoiced).
        mutating func pushReady(finishing: Bool) {
            while powerHead < powers.count && (finishing || voicingHead < voicing.count) {
                let v = voicingHead < voicing.count ? voicing[voicingHead] : FrameVoicing(periodicity: 0, lowPower: 0)
                detector.push(power: powers[powerHead], voicing: v.periodicity, lowPower: v.lowPower) { regions.append($0) }
                powerHead += 1
                voicingHead += 1
            }
            if powerHead > 4096 {
                powers.removeFirst(powerHead)
                powerHead = 0
            }
            if voicingHead > 4096 {
                let done = min(voicingHead, voicing.count)
                voicing.removeFirst(done)
                voicingHead -= done
            }
        }
    }

    private mutating func emitRegions(_ emit: (Segment) -> Void) {
        for region in decisions.regions { accept(region, emit: emit) }
        decisions.regions.removeAll(keepingCapacity: true)
    }

    /// Ends the input; emits the remaining segments and returns what was seen.
    public mutating func finish(emit: (Segment) -> Void) -> SegmentationSummary {
        meter.finish(into: &decisions.powers)
        decisions.pushReady(finishing: true)
        decisions.detector.finish { decisions.regions.append($0) }
        emitRegions(emit)
        summary.duration = Double(samplesSeen) / Double(sampleRate)
        if let last = held {
            emitHeld(last, nextStart: nil, emit: emit)
            held = nil
        }
        let tail = summary.duration - (previousEnd ?? 0)
        if tail >= configuration.minSilence || previousEnd == nil && summary.duration >= configuration.minSilence {
            summary.pauses += 1
        }
        summary.mainsHum = voicingStage.meter.mainsHeard
        return summary
    }

    /// Segments a whole buffer at once: a convenience for tests and small inputs.
    public static func segments(
        of samples: [Float], sampleRate: Int, channels: Int, configuration: SegmenterConfiguration = SegmenterConfiguration()
    ) throws -> (segments: [Segment], summary: SegmentationSummary) {
        var segmenter = try SilenceSegmenter(configuration: configuration, sampleRate: sampleRate, channels: channels)
        var out: [Segment] = []
        samples.withUnsafeBufferPointer { segmenter.process($0) { out.append($0) } }
        let summary = segmenter.finish { out.append($0) }
        return (out, summary)
    }

    private mutating func accept(_ region: SpeechRegion, emit: (Segment) -> Void) {
        if let last = held { emitHeld(last, nextStart: Double(region.start) * hopSeconds, emit: emit) }
        held = region
    }

    /// Pads a region into at most half of each neighbouring pause and within the file.
    private mutating func emitHeld(_ region: SpeechRegion, nextStart: Double?, emit: (Segment) -> Void) {
        let fileEnd = Double(samplesSeen) / Double(sampleRate)
        let start = Double(region.start) * hopSeconds
        let end = min(Double(region.end) * hopSeconds, fileEnd)
        if start - (previousEnd ?? 0) >= configuration.minSilence { summary.pauses += 1 }
        let before = min(configuration.padding, previousEnd.map { (start - $0) / 2 } ?? start)
        let after = min(configuration.padding, nextStart.map { ($0 - end) / 2 } ?? (fileEnd - end))
        if region.forcedEnd { summary.forcedSplits += 1 }
        summary.segments += 1
        summary.speechDuration += end - start
        previousEnd = end
        emit(Segment(start: start - max(0, before), end: end + max(0, after), speechStart: start, speechEnd: end))
    }
}
