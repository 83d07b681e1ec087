import ChorusStore
import Foundation

/// A settled text that is empty once tags and punctuation are gone, on a segment the
/// segmenter found speech in.
struct EmptyText: Rule {
    let name = "empty-text"
    let severity = Severity.error
    let summary = "no settled text is empty (once tags and punctuation are removed)"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.filter { p.normalized($0.segmentID, $0.language).isEmpty }.map {
            finding("segment \($0.segmentID) has an empty \($0.language) text (\"\($0.text)\")", segment: $0.segmentID, recording: p.recordingPath(of: $0.segmentID))
        }
    }
}

/// Bracketed tags the project does not list.
struct UnknownTags: Rule {
    let name = "unknown-tags"
    let severity = Severity.error
    let summary = "texts use only the project's non-speech tags"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.compactMap { s in
            guard let tag = p.snapshot.config.unknownTag(in: s.text) else { return nil }
            return finding("segment \(s.segmentID) (\(s.language)) has \(tag), not one of the project's tags", segment: s.segmentID, recording: p.recordingPath(of: s.segmentID))
        }
    }
}

/// Control characters (errors) and stray white space: leading, trailing, doubled, or not
/// a plain space (warnings, a rule of its own).
struct ControlCharacters: Rule {
    let name = "control-characters"
    let severity = Severity.error
    let summary = "texts hold no control or invisible format characters"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.compactMap { s in
            guard let bad = s.text.unicodeScalars.first(where: { $0.properties.generalCategory == .control || ($0.properties.generalCategory == .format && $0.value != 0x200D && $0.value != 0x200C) }) else { return nil }
            return finding(String(format: "segment %lld (%@) has the character U+%04X", s.segmentID, s.language, bad.value), segment: s.segmentID, recording: p.recordingPath(of: s.segmentID))
        }
    }
}

struct StrayWhitespace: Rule {
    let name = "stray-whitespace"
    let severity = Severity.warning
    let summary = "texts have no leading, trailing or doubled spaces and no tabs or line breaks"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.settled.compactMap { s in
            let t = s.text
            let problem: String?
            if t.first?.isWhitespace == true || t.last?.isWhitespace == true { problem = "leading or trailing white space" }
            else if t.contains("  ") { problem = "a doubled space" }
            else if t.unicodeScalars.contains(where: { $0.properties.isWhitespace && $0 != " " }) { problem = "white space other than a plain space" }
            else { problem = nil }
            return problem.map { finding("segment \(s.segmentID) (\(s.language)) has \($0)", segment: s.segmentID, recording: p.recordingPath(of: s.segmentID)) }
        }
    }
}

/// The same source text on several segments: a copy-paste, or a transcript attached to the
/// wrong segment.
struct DuplicateText: Rule {
    let name = "duplicate-text"
    let severity = Severity.warning
    let summary = "no two segments share the same transcript of three or more words"

    func check(_ p: ValidationContext) -> [Finding] {
        let n = p.normalization(p.sourceLanguage)
        var seen: [String: Int64] = [:]
        var out: [Finding] = []
        for (segment, _) in p.settledSegments(in: p.sourceLanguage) {
            let key = p.normalized(segment, p.sourceLanguage)
            guard key.split(separator: " ").count >= 3 || (n.perCharacter && key.count >= 6) else { continue }
            if let first = seen[key] {
                out.append(finding("segment \(segment) has the same transcript as segment \(first)", segment: segment, recording: p.recordingPath(of: segment)))
            } else {
                seen[key] = segment
            }
        }
        return out
    }
}
