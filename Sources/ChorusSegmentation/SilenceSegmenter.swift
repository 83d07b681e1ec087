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
    private var detector: SpeechDetector
    private let hopSeconds: Double
    private var samplesSeen: Int64 = 0
    private var powers: [Float] = []
    /// Voicing of frames whose power has not arrived yet, from `voicingHead` on.
    private var voicing: [FrameVoicing] = []
    private var voicingHead = 0
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
        detector = SpeechDetector(configuration: configuration, framesPerSecond: 1 / hopSeconds)
    }

    /// Receives every frame decision when set (a debugging aid; slows the segmenter down).
    public var trace: ((FrameDecision) -> Void)? {
        get { detector.trace }
        set { detector.trace = newValue }
    }

    /// Feeds interleaved samples (any number of whole frames); calls `emit` for each segment decided.
    public mutating func process(_ samples: UnsafeBufferPointer<Float>, emit: (Segment) -> Void) {
        samplesSeen += Int64(samples.count / channels)
        powers.removeAll(keepingCapacity: true)
        meter.feed(samples, into: &powers, voicing: &voicing)
        var regions: [SpeechRegion] = []
        pushPowers { regions.append($0) }
        for region in regions { accept(region, emit: emit) }
    }

    /// Hands the detector each new frame's power with its voicing (which arrived no later).
    private mutating func pushPowers(_ emit: (SpeechRegion) -> Void) {
        for power in powers {
            let v = voicingHead < voicing.count ? voicing[voicingHead] : FrameVoicing(periodicity: 0, lowPower: 0)
            voicingHead += 1
            detector.push(power: power, voicing: v.periodicity, lowPower: v.lowPower, emit: emit)
        }
        if voicingHead > 4096 {
            let done = min(voicingHead, voicing.count)
            voicing.removeFirst(done)
            voicingHead -= done
        }
    }

    /// Ends the input; emits the remaining segments and returns what was seen.
    public mutating func finish(emit: (Segment) -> Void) -> SegmentationSummary {
        var regions: [SpeechRegion] = []
        powers.removeAll(keepingCapacity: true)
        meter.finish(into: &powers)
        pushPowers { regions.append($0) }
        detector.finish { regions.append($0) }
        for region in regions { accept(region, emit: emit) }
        summary.duration = Double(samplesSeen) / Double(sampleRate)
        if let last = held {
            emitHeld(last, nextStart: nil, emit: emit)
            held = nil
        }
        let tail = summary.duration - (previousEnd ?? 0)
        if tail >= configuration.minSilence || previousEnd == nil && summary.duration >= configuration.minSilence {
            summary.pauses += 1
        }
        summary.mainsHum = meter.mainsHum
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
