/// One stretch of speech found by the segmenter.
public struct Segment: Sendable, Hashable, Codable {
    /// Start in seconds from the beginning of the file, padding included.
    public var start: Double
    /// End in seconds (exclusive), padding included.
    public var end: Double
    /// Where speech was detected, before padding.
    public var speechStart: Double
    /// Where speech was detected to end, before padding.
    public var speechEnd: Double

    public init(start: Double, end: Double, speechStart: Double, speechEnd: Double) {
        self.start = start
        self.end = end
        self.speechStart = speechStart
        self.speechEnd = speechEnd
    }

    /// `end - start`, in seconds.
    public var duration: Double { end - start }
}

/// What the segmenter saw in one file, for summaries.
public struct SegmentationSummary: Sendable, Hashable, Codable {
    /// Length of the audio in seconds.
    public var duration: Double = 0
    /// Seconds inside segments, before padding.
    public var speechDuration: Double = 0
    /// Segments emitted.
    public var segments: Int = 0
    /// Stretches of non-speech at least the minimum silence long, the file's ends included.
    public var pauses: Int = 0
    /// Segments cut because speech ran past the maximum length.
    public var forcedSplits: Int = 0
    /// The mains frequency (50 or 60 Hz) whose hum was heard in the quiet moments, if any (the
    /// last heard, should both be): a grounding fault in the recording chain, whose lines the
    /// voicing was then also read without.
    public var mainsHum: Int?

    public init() {}

    /// True when the file holds speech but no pause long enough to separate segments: often a
    /// sign of music, constant talk over noise, or noise read as speech.
    public var noPauseFound: Bool { segments > 0 && pauses == 0 }
}
