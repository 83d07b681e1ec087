import ChorusSupport
import ChorusMetrics
import ChorusStore
import Foundation

/// How much a finding matters: errors make `chorus validate` exit non-zero, warnings do not.
public enum Severity: String, Sendable, Codable, Comparable {
    case warning, error
    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}

/// One thing a rule found, with the segment (or recording) it concerns.
public struct Finding: Sendable, Equatable, Codable {
    public var rule: String
    public var severity: Severity
    public var segment: Int64?
    public var recording: String?
    public var message: String

    public init(rule: String, severity: Severity, segment: Int64? = nil, recording: String? = nil, message: String) {
        self.rule = rule
        self.severity = severity
        self.segment = segment
        self.recording = recording
        self.message = message
    }
}

/// An alignment check: a name, a severity and what it finds in a project. One file a rule;
/// ``Rules/all`` lists them.
public protocol Rule: Sendable {
    var name: String { get }
    var severity: Severity { get }
    /// One line on what the rule checks, for the report.
    var summary: String { get }
    func check(_ project: ValidationContext) -> [Finding]
}

extension Rule {
    func finding(_ message: String, segment: Int64? = nil, recording: String? = nil) -> Finding {
        Finding(rule: name, severity: severity, segment: segment, recording: recording, message: message)
    }
}

/// The project as the rules see it, with lookups they share.
public struct ValidationContext: Sendable {
    public let snapshot: ProjectSnapshot
    public let recordings: [Int64: ProjectSnapshot.Recording]
    public let segments: [Int64: ProjectSnapshot.Segment]
    /// Settled text by segment and language.
    public let settled: [Int64: [String: String]]
    /// The same under the language's agreement normalisation, computed once.
    public let normalizedSettled: [Int64: [String: String]]

    public init(_ snapshot: ProjectSnapshot) {
        self.snapshot = snapshot
        recordings = Dictionary(uniqueKeysWithValues: snapshot.recordings.map { ($0.id, $0) })
        segments = Dictionary(uniqueKeysWithValues: snapshot.segments.map { ($0.id, $0) })
        var s: [Int64: [String: String]] = [:], n: [Int64: [String: String]] = [:]
        let config = snapshot.config
        let languages = Set(snapshot.settled.map(\.language)).union(snapshot.annotations.map(\.language))
        let byLanguage = Dictionary(uniqueKeysWithValues: languages.map { ($0, config.normalization(for: $0)) })
        let normalized = Parallel.map(snapshot.settled) { byLanguage[$0.language]!.apply($0.text) }
        for (row, text) in zip(snapshot.settled, normalized) {
            s[row.segmentID, default: [:]][row.language] = row.text
            n[row.segmentID, default: [:]][row.language] = text
        }
        settled = s
        normalizedSettled = n
        normalizedAnnotations = Parallel.map(snapshot.annotations) { byLanguage[$0.language]!.apply($0.text) }
    }

    /// Each of the snapshot's annotations under its language's normalisation, in order.
    public let normalizedAnnotations: [String]

    /// A settled text under the agreement normalisation.
    public func normalized(_ segment: Int64, _ language: String) -> String { normalizedSettled[segment]?[language] ?? "" }

    public var sourceLanguage: String { snapshot.config.sourceLanguage.value }

    /// The agreement normalisation for a language of this project.
    public func normalization(_ language: String) -> ComparisonNormalization {
        snapshot.config.normalization(for: language)
    }

    /// Segment ids that have a settled text in `language`, in order.
    public func settledSegments(in language: String) -> [(segment: Int64, text: String)] {
        snapshot.settled.filter { $0.language == language }.map { ($0.segmentID, $0.text) }
    }

    public func recordingPath(of segment: Int64) -> String? {
        segments[segment].flatMap { recordings[$0.recordingID]?.path }
    }
}

/// Robust z-scores: distance from the median in units of the median absolute deviation
/// (scaled by 1.4826 to match a standard deviation under normality).
enum Robust {
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func zScores(_ xs: [Double]) -> [Double] {
        let m = median(xs)
        let mad = median(xs.map { abs($0 - m) }) * 1.4826
        guard mad > 0 else { return xs.map { _ in 0 } }
        return xs.map { ($0 - m) / mad }
    }
}
