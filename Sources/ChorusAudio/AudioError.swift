import ChorusSupport

/// An error reading or writing audio, naming the file and carrying libsndfile's own message.
///
/// Shaped like swift-nio's `FileSystemError`: a ``Code`` that can grow without breaking
/// callers, a message a person can act on, the path it concerns, and the underlying cause.
public struct AudioError: ChorusError {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case notFound, unreadable, unsupported, decode, write, invalidArgument
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file does not exist.
        public static let notFound = Code(.notFound)
        /// The file exists but libsndfile cannot open it (not audio, empty, damaged header).
        public static let unreadable = Code(.unreadable)
        /// A format or encoding this build of libsndfile cannot handle.
        public static let unsupported = Code(.unsupported)
        /// The header opened but the audio data failed to decode (corrupt frames).
        public static let decode = Code(.decode)
        /// Writing or renaming the output failed.
        public static let write = Code(.write)
        /// A caller passed a value that cannot work (zero channels, a bad rate).
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String {
            switch value {
            case .notFound: "not found"
            case .unreadable: "unreadable"
            case .unsupported: "unsupported"
            case .decode: "decode error"
            case .write: "write error"
            case .invalidArgument: "invalid argument"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The file the error concerns, as the caller named it.
    public var path: String
    /// What went wrong, in words a person can act on.
    public var message: String
    /// libsndfile's own text (`sf_strerror`), or an OS error description, when there is one.
    public var cause: String?

    public var errorCode: String { code.description.replacingOccurrences(of: " ", with: "-") }
    public var location: String? { path }
    public var underlying: (any Error & Sendable)? { cause.map(LibraryMessage.init) }

    public init(code: Code, path: String, message: String, cause: String? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.cause = cause
    }

    /// One line: `path: message (cause)`.
    public var description: String {
        if let cause, !cause.isEmpty, !message.contains(cause) {
            return "\(path): \(message) (libsndfile: \(cause))"
        }
        return "\(path): \(message)"
    }
}
