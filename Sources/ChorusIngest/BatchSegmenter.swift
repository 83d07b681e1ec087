import ChorusAudio
import ChorusSegmentation
import Dispatch
import Foundation

/// One file's outcome in a batch.
public enum FileOutcome: Sendable {
    case segmented(FileSegmentation)
    case failed(path: String, reason: String)
}

/// Segments many files on several threads and hands the outcomes back in input order.
public enum BatchSegmenter {
    /// Runs `files` on `jobs` threads; `deliver` is called once per file, in the order of `files`,
    /// on the calling thread, as soon as that file and every earlier one are done. `progress`
    /// is called on the calling thread with the number of files finished, in any order.
    public static func run(
        files: [String], configuration: SegmenterConfiguration, allowTruncated: Bool = false, jobs: Int,
        progress: (Int) -> Void = { _ in },
        deliver: (Int, FileOutcome) -> Void
    ) {
        guard !files.isEmpty else { return }
        let results = ResultSlots(count: files.count)
        let workers = max(1, min(jobs, files.count))
        let queue = DispatchQueue(label: "chorus.segment", attributes: .concurrent)
        let group = DispatchGroup()
        for _ in 0..<workers {
            queue.async(group: group) {
                while let index = results.claim() {
                    let outcome: FileOutcome
                    do {
                        outcome = .segmented(try FileSegmenter.segment(path: files[index], configuration: configuration, allowTruncated: allowTruncated))
                    } catch let error as AudioError {
                        outcome = .failed(path: files[index], reason: error.messageWithoutPath)
                    } catch {
                        outcome = .failed(path: files[index], reason: "\(error)")
                    }
                    results.store(outcome, at: index)
                }
            }
        }
        var next = 0
        var seen = 0
        while next < files.count {
            let (finished, ready) = results.waitForChange(from: next, finishedSeen: seen)
            if finished != seen {
                seen = finished
                progress(finished)
            }
            for outcome in ready {
                deliver(next, outcome)
                next += 1
            }
        }
        group.wait()
    }
}

/// Slots for results, filled by workers and drained in order by the caller.
private final class ResultSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [FileOutcome?]
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

    func store(_ outcome: FileOutcome, at index: Int) {
        condition.lock()
        slots[index] = outcome
        finished += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until more files have finished than `finishedSeen`, or slot `from` is filled;
    /// returns the finished count and the filled run of slots starting at `from`, emptied.
    func waitForChange(from: Int, finishedSeen: Int) -> (Int, [FileOutcome]) {
        condition.lock()
        defer { condition.unlock() }
        while finished == finishedSeen && slots[from] == nil { condition.wait() }
        var ready: [FileOutcome] = []
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
