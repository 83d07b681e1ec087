/// Every parameter of the silence segmenter, with the defaults `chorus segment` uses.
///
/// Thresholds are not fixed levels: they are placed between a rolling noise floor (a low
/// percentile of frame energies around the frame) and a rolling speech level (a high
/// percentile), so the same settings hold for a quiet studio file and a noisy field recording.
public struct SegmenterConfiguration: Sendable, Hashable, Codable {
    /// Which channel the segmenter listens to.
    public enum Channel: Sendable, Hashable, Codable {
        /// The mean of all channels.
        case mix
        /// One channel, counted from 0.
        case index(Int)
    }

    /// Analysis frame length and hop, in seconds. Boundaries fall on this grid.
    public var frameDuration: Double = 0.010
    /// A pause at least this long (seconds) ends a segment; shorter pauses stay inside one. Where
    /// the speech stands within 35 dB of the noise floor the pause must be up to 0.16 s longer
    /// (weak word endings and onsets hide under the noise).
    public var minSilence: Double = 0.30
    /// Speech shorter than this (seconds, before padding) is dropped as a click or cough.
    public var minSegment: Double = 0.15
    /// Speech longer than this (seconds, before padding) is split at its quietest point.
    public var maxSegment: Double = 20.0
    /// Seconds of context kept on each side of speech, never more than half the pause to a
    /// neighbour and never past the file's ends.
    public var padding: Double = 0.03
    /// Lower edge of the band whose energy is measured, in Hz: removes hum and rumble.
    public var bandLow: Double = 200
    /// Upper edge of the band whose energy is measured, in Hz: removes hiss above the speech band.
    /// Ignored when it is above 0.45 of the sample rate.
    public var bandHigh: Double = 4000
    /// Speech starts when the energy rises this far (dB) above the noise floor, at least.
    public var startMargin: Double = 3.0
    /// Speech ends when the energy falls below this margin (dB) above the noise floor, at least.
    public var stopMargin: Double = 1.5
    /// Speech starts at least this many times the noise's own spread (dB from its 5th to 25th
    /// percentile) above the noise floor: wide for fluctuating noise such as babble.
    public var startSpread: Double = 4.0
    /// Speech ends below this many times the noise's spread above the noise floor, at least.
    public var stopSpread: Double = 2.0
    /// Where the start threshold sits between noise floor (0) and speech level (1), when that is above ``startMargin``.
    public var startFraction: Double = 0.40
    /// Where the stop threshold sits between noise floor (0) and speech level (1), when that is above ``stopMargin``.
    public var stopFraction: Double = 0.15
    /// Seconds of audio on each side of a frame used to estimate the noise floor and speech level.
    public var noiseWindow: Double = 10.0
    /// Frames quieter than this (dBFS) count as digital silence.
    public var silenceFloor: Double = -100
    /// The noise floor is taken no lower than this many dB under the speech level, so that in
    /// digital silence the thresholds follow the speech rather than the zeros.
    public var dynamicRange: Double = 50
    /// Which channel to analyse.
    public var channel: Channel = .mix
    /// Whether speech must be voiced somewhere: a stretch the energy calls speech is kept only
    /// around its voiced frames (see ``voicedThreshold``), so noise at any level, clicks,
    /// paper and typing are not speech. Off for whispered speech.
    public var requireVoicing = true
    /// A frame is voiced when its pitch-range periodicity (0 to 1) reaches this.
    public var voicedThreshold: Double = 0.55
    /// Steady unvoiced stretches at least this long (seconds, and never shorter than
    /// ``minSilence``) inside what the energy calls speech are not speech: they are cut out,
    /// keeping ``voicingMargin`` beside the voiced frames.
    public var unvoicedGap: Double = 1.5
    /// Seconds kept before the first and after the last voiced frame of a stretch (unvoiced
    /// onsets and endings such as "s", "f", "h"), within what the energy calls speech.
    public var voicingMargin: Double = 0.25
    /// Seconds of voiced frames a stretch needs to be speech at all.
    public var minVoiced: Double = 0.08

    public init() {}

    /// Describes the first parameter that cannot work, or nil when all can.
    public func problem(sampleRate: Int? = nil, channels: Int? = nil) -> String? {
        if !(frameDuration > 0.001 && frameDuration <= 0.1) { return "frame duration must be between 0.001 and 0.1 s" }
        if !(minSilence >= frameDuration) { return "min silence must be at least one frame (\(frameDuration) s)" }
        if !(minSegment >= 0) { return "min segment must not be negative" }
        if !(maxSegment > minSegment * 2) { return "max segment must be more than twice the min segment" }
        if !(padding >= 0) { return "padding must not be negative" }
        if !(bandLow >= 0 && bandHigh > bandLow) { return "the band must satisfy 0 <= low < high" }
        if !(startMargin >= stopMargin && stopMargin >= 0) { return "start margin must be at least the stop margin, both >= 0 dB" }
        if !(startSpread >= stopSpread && stopSpread >= 0) { return "start spread must be at least the stop spread, both >= 0" }
        if !(startFraction >= stopFraction && stopFraction >= 0 && startFraction < 1) { return "fractions must satisfy 0 <= stop <= start < 1" }
        if !(dynamicRange >= 10) { return "dynamic range must be at least 10 dB" }
        if !(noiseWindow >= 0.5) { return "noise window must be at least 0.5 s" }
        if !(voicedThreshold > 0 && voicedThreshold < 1) { return "voiced threshold must be between 0 and 1" }
        if !(unvoicedGap > 0) { return "unvoiced gap must be more than 0 s" }
        if !(voicingMargin >= 0 && minVoiced >= 0) { return "voicing margin and min voiced must not be negative" }
        if !(silenceFloor >= -200 && silenceFloor <= 0) { return "silence floor must be between -200 and 0 dBFS" }
        if case .index(let i) = channel {
            if i < 0 { return "channel must not be negative" }
            if let channels, i >= channels { return "channel \(i) does not exist (the file has \(channels), counted from 0)" }
        }
        if let sampleRate, Int((Double(sampleRate) * frameDuration).rounded()) < 1 { return "sample rate \(sampleRate) Hz is too low" }
        return nil
    }
}
