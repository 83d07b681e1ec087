/// The one shape of every error Chorus's modules throw, after swift-nio's `FileSystemError`:
/// a stable code, a message a person can act on, the file (and line or field) it concerns,
/// and the underlying error, if any. The command line prints `location: message` on one line
/// and, with `--verbose`, the chain of underlying errors; a server maps the code to problem
/// details.
public protocol ChorusError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, stable across releases: `not-found`, `invalid-input`, `store`, ...
    var errorCode: String { get }
    /// What went wrong and how to fix it.
    var message: String { get }
    /// The file it concerns, with `:LINE` and `: field 'NAME'` when known.
    var location: String? { get }
    /// The error underneath (a library's own text, an OS error), if any.
    var underlying: (any Error & Sendable)? { get }
}

extension ChorusError {
    /// One line: `location: message`.
    public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// A library's own words for a failure (libpq's full message with its DETAIL and HINT lines,
/// libsndfile's `sf_strerror`), carried as an underlying error.
public struct LibraryMessage: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }
}

/// The errors beneath `error`, outermost first, as text: what `--verbose` prints.
public func underlyingChain(of error: any Error) -> [String] {
    var out: [String] = []
    var next = (error as? any ChorusError)?.underlying
    var depth = 0
    while let current = next, depth < 8 {
        out.append(String(describing: current))
        next = (current as? any ChorusError)?.underlying
        depth += 1
    }
    return out
}
