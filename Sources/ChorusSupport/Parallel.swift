import Foundation

/// Work split over the cores in contiguous pieces, results in order: the one way Chorus runs
/// independent work side by side (metrics over sentence pairs, normalising texts, rules).
public enum Parallel {
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// `body` over `pieces` contiguous parts of `0..<count` (at least one), concurrently.
    public static func parts<U>(_ count: Int, pieces: Int, _ body: @Sendable (Range<Int>) -> U) -> [U] {
        let n = max(1, min(pieces, max(1, count)))
        let results = Results<U>(n)
        DispatchQueue.concurrentPerform(iterations: n) { p in
            results.set(p, body((count * p / n)..<(count * (p + 1) / n)))
        }
        return results.all
    }

    /// `transform` over `items`, one piece a core (pieces of at least 2,000 items).
    public static func map<T: Sendable, U: Sendable>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
        parts(items.count, pieces: min(cores, items.count / 2000)) { items[$0].map(transform) }.flatMap { $0 }
    }

    /// `work` for each item as a job of its own, for a few large jobs of uneven size.
    public static func each<T: Sendable, U: Sendable>(_ items: [T], _ work: @Sendable (T) -> U) -> [U] {
        parts(items.count, pieces: items.count) { $0.map { work(items[$0]) } }.flatMap { $0 }
    }

    private final class Results<U>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [U?]
        init(_ count: Int) { slots = .init(repeating: nil, count: count) }
        func set(_ i: Int, _ value: U) { lock.withLock { slots[i] = value } }
        var all: [U] { lock.withLock { slots.compactMap { $0 } } }
    }
}
