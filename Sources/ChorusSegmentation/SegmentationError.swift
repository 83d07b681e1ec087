/// An error from the segmenter: only a configuration that cannot work.
public struct SegmentationError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case invalidConfiguration }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// A parameter is out of range for this file.
        public static let invalidConfiguration = Code(.invalidConfiguration)
    }

    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
