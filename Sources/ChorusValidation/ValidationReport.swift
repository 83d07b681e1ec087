import ChorusSupport
import ChorusStore

/// What `chorus validate` found: findings by rule, agreement figures, and whether anything
/// is an error. Written as report.json.
public struct ValidationReport: Sendable, Codable {
    public struct RuleCount: Sendable, Codable, Equatable {
        public var rule: String
        public var severity: Severity
        public var summary: String
        public var findings: Int
    }

    public var segments: Int
    public var settled: Int
    public var rules: [RuleCount]
    public var findings: [Finding]
    public var agreement: AgreementFigures
    /// Each settled transcript's duration and length, for the speaking-rate plot.
    public var speakingRates: [RatePoint]

    public struct RatePoint: Sendable, Codable, Equatable {
        public var segment: Int64
        public var seconds: Double
        public var characters: Int
    }

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }

    /// The rule the recordings' files are reported under: checking them reads files, so the
    /// caller does it (``make(_:recordingFiles:)``) and the pure rules stay pure.
    public static let recordingFilesRule = "recording-files"

    /// Runs every rule and the agreement figures over a project snapshot.
    /// - Parameter recordingFiles: the check of the recordings' files, one finding per missing
    ///   or changed file (`recording-files`, errors); nil when they were not checked.
    public static func make(_ snapshot: ProjectSnapshot, recordingFiles: [Finding]? = nil) -> ValidationReport {
        let context = ValidationContext(snapshot)
        // The rules and the agreement figures are independent: run them side by side.
        let jobs: [Int] = [0] + Array(1...Rules.all.count)
        let outcomes = Parallel.each(jobs) { job -> Outcome in
            if job == 0 { return .agreement(AgreementFigures.compute(context)) }
            return .findings(Rules.all[job - 1].check(context))
        }
        var findings: [Finding] = []
        var counts: [RuleCount] = []
        var agreement = AgreementFigures()
        for (job, outcome) in zip(jobs, outcomes) {
            switch outcome {
            case .agreement(let a): agreement = a
            case .findings(let found):
                let rule = Rules.all[job - 1]
                findings += found
                counts.append(RuleCount(rule: rule.name, severity: rule.severity, summary: rule.summary, findings: found.count))
            }
        }
        if let files = recordingFiles {
            counts.insert(RuleCount(rule: recordingFilesRule, severity: .error,
                                    summary: "Every recording's file is where it was imported from, with the same content", findings: files.count), at: 0)
            findings = files + findings
        }
        return ValidationReport(
            segments: snapshot.segments.count,
            settled: Set(snapshot.settled.filter { $0.language == snapshot.config.sourceLanguage.value }.map(\.segmentID)).count,
            rules: counts, findings: findings, agreement: agreement,
            speakingRates: rates(context))
    }

    enum Outcome: Sendable {
        case agreement(AgreementFigures)
        case findings([Finding])
    }

    static func rates(_ p: ValidationContext) -> [RatePoint] {
        p.settledSegments(in: p.sourceLanguage).compactMap { segment, _ in
            guard let s = p.segments[segment] else { return nil }
            return RatePoint(segment: segment, seconds: s.end - s.start, characters: p.normalized(segment, p.sourceLanguage).filter { $0 != " " }.count)
        }
    }
}

extension Finding {
    /// A recording's file that is missing or changed (rule `recording-files`, an error).
    public static func recordingFile(path: String, problem: String) -> Finding {
        Finding(rule: ValidationReport.recordingFilesRule, severity: .error, recording: path, message: "\(path): \(problem)")
    }
}
