import ArgumentParser
import ChorusSegmentation

/// The segmenter's parameters as flags; defaults come from ``SegmenterConfiguration``.
struct SegmenterOptions: ParsableArguments {
    private static let defaults = SegmenterConfiguration()

    @Option(parsing: .unconditional, help: ArgumentHelp("A pause at least this long (seconds) separates segments (up to 0.16 s longer in heavy noise).", valueName: "seconds"))
    var minSilence: Double = defaults.minSilence

    @Option(parsing: .unconditional, help: ArgumentHelp("Speech shorter than this (seconds) is dropped as a click or cough.", valueName: "seconds"))
    var minSegment: Double = defaults.minSegment

    @Option(parsing: .unconditional, help: ArgumentHelp("Longer speech (seconds) is split at its quietest point.", valueName: "seconds"))
    var maxSegment: Double = defaults.maxSegment

    @Option(parsing: .unconditional, help: ArgumentHelp("Context (seconds) kept each side of speech, at most half the pause to a neighbour.", valueName: "seconds"))
    var padding: Double = defaults.padding

    @Option(parsing: .unconditional, help: ArgumentHelp("Channel to analyse: 'mix' (mean of all) or a number from 0.", valueName: "mix|N"))
    var channel: ChannelChoice = .mix

    @Option(parsing: .unconditional, help: ArgumentHelp("Lower edge (Hz) of the band whose energy is measured; removes hum and rumble.", valueName: "Hz"))
    var bandLow: Double = defaults.bandLow

    @Option(parsing: .unconditional, help: ArgumentHelp("Upper edge (Hz) of the band whose energy is measured; removes hiss.", valueName: "Hz"))
    var bandHigh: Double = defaults.bandHigh

    @Option(parsing: .unconditional, help: ArgumentHelp("Speech starts at least this far (dB) above the noise floor.", valueName: "dB"))
    var startMargin: Double = defaults.startMargin

    @Option(parsing: .unconditional, help: ArgumentHelp("Speech ends below this margin (dB) above the noise floor, at least.", valueName: "dB"))
    var stopMargin: Double = defaults.stopMargin

    @Option(parsing: .unconditional, help: ArgumentHelp("Speech starts at least this many noise spreads (dB, 5th to 25th percentile) above the floor.", valueName: "x"))
    var startSpread: Double = defaults.startSpread

    @Option(parsing: .unconditional, help: ArgumentHelp("Speech ends below this many noise spreads above the floor, at least.", valueName: "x"))
    var stopSpread: Double = defaults.stopSpread

    @Option(parsing: .unconditional, help: ArgumentHelp("Start threshold as a fraction of the way from noise floor to speech level.", valueName: "0-1"))
    var startFraction: Double = defaults.startFraction

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop threshold as a fraction of the way from noise floor to speech level.", valueName: "0-1"))
    var stopFraction: Double = defaults.stopFraction

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds each side of a frame used to estimate noise floor and speech level.", valueName: "seconds"))
    var noiseWindow: Double = defaults.noiseWindow

    @Option(parsing: .unconditional, help: ArgumentHelp("The noise floor is taken no lower than this far (dB) under the speech level.", valueName: "dB"))
    var dynamicRange: Double = defaults.dynamicRange

    @Option(parsing: .unconditional, help: ArgumentHelp("Frames quieter than this (dBFS) count as digital silence.", valueName: "dBFS"))
    var silenceFloor: Double = defaults.silenceFloor

    @Option(parsing: .unconditional, help: ArgumentHelp("Analysis frame length (seconds); boundaries fall on this grid.", valueName: "seconds"))
    var frameLength: Double = defaults.frameDuration

    @Option(parsing: .unconditional, help: ArgumentHelp("A frame is voiced when its pitch-range periodicity (0 to 1) reaches this. Try 0.45 for hoarse, creaky or breathy voices (more of them is found; in loud noise a second or so may then be called speech).", valueName: "0-1"))
    var voicedThreshold: Double = defaults.voicedThreshold

    @Option(parsing: .unconditional, help: ArgumentHelp("Steady unvoiced stretches this long (seconds) inside speech are cut out as noise.", valueName: "seconds"))
    var unvoicedGap: Double = defaults.unvoicedGap

    @Flag(help: "Do not ask speech to be voiced: whispered speech, or to compare with energy alone.")
    var noVoicing = false

    var configuration: SegmenterConfiguration {
        var c = SegmenterConfiguration()
        c.minSilence = minSilence
        c.minSegment = minSegment
        c.maxSegment = maxSegment
        c.padding = padding
        c.channel = channel.value
        c.bandLow = bandLow
        c.bandHigh = bandHigh
        c.startMargin = startMargin
        c.stopMargin = stopMargin
        c.startSpread = startSpread
        c.stopSpread = stopSpread
        c.startFraction = startFraction
        c.stopFraction = stopFraction
        c.noiseWindow = noiseWindow
        c.frameDuration = frameLength
        c.dynamicRange = dynamicRange
        c.silenceFloor = silenceFloor
        c.voicedThreshold = voicedThreshold
        c.unvoicedGap = unvoicedGap
        c.requireVoicing = !noVoicing
        return c
    }

    func validate() throws {
        let numbers: [(String, Double)] = [
            ("--min-silence", minSilence), ("--min-segment", minSegment), ("--max-segment", maxSegment), ("--padding", padding),
            ("--band-low", bandLow), ("--band-high", bandHigh), ("--start-margin", startMargin), ("--stop-margin", stopMargin),
            ("--start-spread", startSpread), ("--stop-spread", stopSpread), ("--start-fraction", startFraction),
            ("--stop-fraction", stopFraction), ("--noise-window", noiseWindow), ("--dynamic-range", dynamicRange),
            ("--silence-floor", silenceFloor), ("--frame-length", frameLength), ("--voiced-threshold", voicedThreshold), ("--unvoiced-gap", unvoicedGap),
        ]
        if let bad = numbers.first(where: { !$0.1.isFinite }) { throw ValidationError("\(bad.0): must be a finite number") }
        if let problem = configuration.problem() { throw ValidationError(problem) }
    }
}

/// `--channel mix` or `--channel N`.
struct ChannelChoice: ExpressibleByArgument {
    var value: SegmenterConfiguration.Channel

    static let mix = ChannelChoice(value: .mix)

    init(value: SegmenterConfiguration.Channel) { self.value = value }

    init?(argument: String) {
        if argument == "mix" {
            value = .mix
        } else if let n = Int(argument), n >= 0 {
            value = .index(n)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String {
        if case .index(let i) = value { return String(i) }
        return "mix"
    }
}
