/// A fixed-capacity ring of per-frame values addressed by absolute frame index.
struct FrameRing {
    private var storage: ContiguousArray<Float>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        storage = ContiguousArray(repeating: 0, count: capacity)
    }

    /// The value of frame `index`; valid for the last `capacity` frames written.
    subscript(index: Int) -> Float {
        get { storage[index % capacity] }
        set { storage[index % capacity] = newValue }
    }
}
