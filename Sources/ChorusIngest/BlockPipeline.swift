import ChorusAudio
import Foundation

/// Decodes a file on its own thread while the caller analyses what has been decoded, so the
/// time taken approaches the larger of the two instead of their sum.
///
/// A fixed ring of blocks passes between the threads, so memory does not grow with the file.
/// Blocks arrive in order; a decoding error is handed over in its place in the stream.
final class BlockPipeline: @unchecked Sendable {
    private let reader: AudioReader
    private let blockFrames: Int
    /// `depth` blocks of `blockFrames * channels` samples, one allocation, raw so that the two
    /// threads never touch a shared Swift collection (whose copy-on-write checks would race).
    private let storage: UnsafeMutablePointer<Float>
    private let blockSamples: Int
    private let frames: UnsafeMutablePointer<Int>
    private var failure: Error?
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let done = DispatchSemaphore(value: 0)
    private let depth: Int
    private var cancelled = false

    init(reader: AudioReader, blockFrames: Int, depth: Int = 4) {
        self.reader = reader
        self.blockFrames = blockFrames
        self.depth = depth
        blockSamples = blockFrames * reader.info.channels
        storage = .allocate(capacity: blockSamples * depth)
        storage.initialize(repeating: 0, count: blockSamples * depth)
        frames = .allocate(capacity: depth)
        frames.initialize(repeating: 0, count: depth)
        free = DispatchSemaphore(value: depth)
    }

    deinit {
        storage.deallocate()
        frames.deallocate()
    }

    private func block(_ slot: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage + slot * blockSamples, count: blockSamples)
    }

    /// Runs the decoder thread and calls `body` for each decoded block, in order, on the caller's thread.
    /// - Throws: the decoder's error, after the blocks decoded before it; or what `body` throws.
    func run(_ body: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let thread = Thread { [self] in
            defer { done.signal() }
            var slot = 0
            while true {
                free.wait()
                if cancelled { return }
                let n: Int
                do {
                    n = try reader.read(into: block(slot))
                } catch {
                    failure = error
                    frames[slot] = -1
                    filled.signal()
                    return
                }
                frames[slot] = n
                filled.signal()
                if n == 0 { return }
                slot = (slot + 1) % depth
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
        defer {
            // Stop the decoder if the caller leaves early, and wait for it before the reader closes.
            cancelled = true
            free.signal()
            done.wait()
        }
        var slot = 0
        while true {
            filled.wait()
            let n = frames[slot]
            if n < 0, let failure { throw failure }
            if n == 0 { return }
            try body(UnsafeBufferPointer(start: storage + slot * blockSamples, count: n * reader.info.channels))
            free.signal()
            slot = (slot + 1) % depth
        }
    }
}
