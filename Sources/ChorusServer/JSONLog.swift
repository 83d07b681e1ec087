import ChorusSupport
import Foundation
import Logging
import Synchronization

/// swift-log to stderr as JSON Lines: `{"at", "label", "level", "message", ...metadata}`, keys
/// sorted, one object a line, for a log collector. Written by hand (a line a request; Foundation's
/// JSON writer cost a tenth of the server's CPU). What is logged never holds a text or a token.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    private static let lock = Mutex(())

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "at": String(format: "%.3f", Date().timeIntervalSince1970), "level": JSONText.string(event.level.rawValue),
            "label": JSONText.string(label), "message": JSONText.string(event.message.description),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) where fields[key] == nil {
            fields[key] = Self.json(value)
        }
        var line = "{" + fields.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + $0.value }.joined(separator: ",") + "}\n"
        line.withUTF8 { bytes in Self.lock.withLock { _ in FileHandle.standardError.write(Data(bytes)) } }
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): JSONText.string(s)
        case .stringConvertible(let c): JSONText.string(c.description)
        case .array(let a): "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }
}
