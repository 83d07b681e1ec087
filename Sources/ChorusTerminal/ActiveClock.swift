/// Honest working time on one task: time on screen, minus every gap longer than
/// ``idleLimit`` without a key press or playing audio. Only the times of events are kept,
/// never which keys were pressed.
public struct ActiveClock: Sendable, Equatable {
    /// Seconds without a key or audio after which a gap is idle and not counted.
    public static let idleLimit = 60.0

    /// Active seconds so far (including time carried over from an earlier sitting).
    public private(set) var seconds: Double
    private var last: Double?

    /// - Parameter carried: active seconds from before (a draft resumed after a restart).
    public init(carried: Double = 0) { seconds = carried }

    /// Something happened at `time` (seconds on a monotonic clock): a key, audio playing, the
    /// task appearing. The gap since the previous event counts if it was short enough.
    public mutating func event(at time: Double) {
        if let last {
            let gap = time - last
            if gap > 0 && gap <= Self.idleLimit { seconds += gap }
        }
        last = time
    }

    /// The task left the screen (or the program stopped) at `time`: counts the last gap, then stops.
    public mutating func pause(at time: Double) {
        event(at: time)
        last = nil
    }
}
