import ChorusAudio
import ChorusSegmentation
import Dispatch
import Foundation

/// One file's outcome in a batch.
public enum FileOutcome: Sendable {
    case segmented(FileSegmentation)
    case failed(path: String, reason: String)
}

/// Runs a job per item on several threads and hands the results back in input order.
public enum OrderedBatch {
    /// Runs `work` for items `0..<count` on `jobs` threads; `deliver` is called once per item, in
    /// order, on the calling thread, as soon as that item and every earlier one are done.
    /// `progress` is called on the calling thread with the number of items finished, in any order.
    public static func run<R: Sendable>(
        count: Int, jobs: Int, work: @escaping @Sendable (Int) -> R,
        progress: (Int) -> Void = { _ in }, deliver: (Int, R) -> Void
    ) {
        guard count > 0 else { return }
        let results = ResultSlots<R>(count: count)
        let queue = DispatchQueue(label: "chorus.batch", attributes: .concurrent)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, count)) {
            queue.async(group: group) {
                while let index = results.claim() { results.store(work(index), at: index) }
            }
        }
        var next = 0
        var seen = 0
        while next < count {
            let (finished, ready) = results.waitForChange(from: next, finishedSeen: seen)
            if finished != seen {
                seen = finished
                progress(finished)
            }
            for result in ready {
                deliver(next, result)
                next += 1
            }
        }
        group.wait()
    }
}

/// Segments many files on several threads and hands the outcomes back in input order.
public enum BatchSegmenter {
    /// Segments `files` on `jobs` threads; see ``OrderedBatch/run(count:jobs:work:progress:deliver:)``.
    public static func run(
        files: [String], configuration: SegmenterConfiguration, allowTruncated: Bool = false, jobs: Int,
        progress: (Int) -> Void = { _ in },
        deliver: (Int, FileOutcome) -> Void
    ) {
        let concurrent = FileSegmenter.coreToSpare(jobs: jobs, files: files.count)
        OrderedBatch.run(count: files.count, jobs: jobs, work: { index in
            do {
                return .segmented(try FileSegmenter.segment(
                    path: files[index], configuration: configuration, allowTruncated: allowTruncated, concurrent: concurrent))
            } catch {
                return .failed(path: files[index], reason: reason(error))
            }
        }, progress: progress, deliver: deliver)
    }

    /// What to say about a file's failure, without its path (lists already name the file).
    public static func reason(_ error: Error) -> String {
        (error as? AudioError)?.messageWithoutPath ?? "\(error)"
    }
}

/// Slots for results, filled by workers and drained in order by the caller.
private final class ResultSlots<R>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [R?]
    private var claimed = 0
    private var finished = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard claimed < slots.count else { return nil }
        claimed += 1
        return claimed - 1
    }

    func store(_ outcome: R, at index: Int) {
        condition.lock()
        slots[index] = outcome
        finished += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until more files have finished than `finishedSeen`, or slot `from` is filled;
    /// returns the finished count and the filled run of slots starting at `from`, emptied.
    func waitForChange(from: Int, finishedSeen: Int) -> (Int, [R]) {
        condition.lock()
        defer { condition.unlock() }
        while finished == finishedSeen && slots[from] == nil { condition.wait() }
        var ready: [R] = []
        var i = from
        while i < slots.count, let outcome = slots[i] {
            ready.append(outcome)
            slots[i] = nil
            i += 1
        }
        return (finished, ready)
    }
}

extension AudioError {
    /// The message without the leading path, for lists that already name the file.
    public var messageWithoutPath: String {
        if let cause, !cause.isEmpty, !message.contains(cause) { return "\(message) (libsndfile: \(cause))" }
        return message
    }
}
