/// The checks on active time a person or a file reports: pay is computed from it, so a value
/// that cannot be true is refused rather than stored.
public enum ActiveTime {
    /// The most active time one task can take: a day.
    public static let maxPerTask = 86_400.0

    /// Why `seconds` cannot be a task's active time, or nil when it can.
    /// - Parameter held: the seconds this person's leases on the task covered, when known: more
    ///   active time than that was never possible.
    public static func problem(_ seconds: Double, held: Double? = nil) -> String? {
        guard seconds.isFinite else { return "must be a finite number of seconds" }
        guard seconds >= 0 else { return "must not be negative (\(format(seconds)) s)" }
        guard seconds <= maxPerTask else { return "\(format(seconds)) s is more than a day for one task" }
        if let held, seconds > held + 1 {
            return "\(format(seconds)) s is more than the task was held (\(format(held)) s)"
        }
        return nil
    }

    /// A stored value as pay counts it: an impossible one (from a project made before these
    /// checks) never makes pay negative or unbounded.
    public static func clamped(_ seconds: Double) -> Double {
        seconds.isFinite ? min(max(seconds, 0), maxPerTask) : 0
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
