import ChorusStore
import Foundation

/// Common subtitle limits: at most two lines a cue, a line length and a reading speed.
public struct SubtitleLimits: Sendable, Equatable {
    /// Characters a line (16 for Chinese and Japanese, which carry more a character).
    public var lineLength = 42
    public var lines = 2
    /// Characters a second a viewer can read (spaces counted, as broadcasters count them).
    public var readingSpeed = 17.0

    public init() {}

    /// The limits for a language: Chinese, Japanese and Cantonese lines are 16 characters, read at 9 a second.
    func forLanguage(_ language: String) -> SubtitleLimits {
        let primary = language.split(separator: "-").first.map { $0.lowercased() } ?? ""
        guard ["zh", "ja", "yue", "wuu", "nan", "hak"].contains(primary) else { return self }
        var l = self
        l.lineLength = min(lineLength, 16)
        l.readingSpeed = min(readingSpeed, 9)
        return l
    }
}

struct Cue {
    var start: Double
    var end: Double
    var lines: [String]
}

enum SubtitleLayout {
    /// A segment's text as cues of at most `limits.lines` lines: words wrapped at the line
    /// length (a language without spaces wraps anywhere), the segment's time shared by
    /// characters; warnings for a word that cannot fit a line and for reading too fast.
    static func cues(start: Double, end: Double, text: String, limits: SubtitleLimits, unspaced: Bool) -> (cues: [Cue], warnings: [String]) {
        var warnings: [String] = []
        let words: [String] = unspaced ? Text.oneLine(text).map(String.init) : Text.oneLine(text).split(separator: " ").map(String.init)
        let joiner = unspaced ? "" : " "
        var lines: [String] = []
        var current = ""
        for word in words {
            if word.count > limits.lineLength {
                warnings.append("\"\(word.prefix(20))…\" is longer than a line (\(limits.lineLength) characters)")
            }
            let candidate = current.isEmpty ? word : current + joiner + word
            if candidate.count <= limits.lineLength || current.isEmpty {
                current = candidate
            } else {
                lines.append(current.trimmingCharacters(in: .whitespaces))
                current = word == " " ? "" : word
            }
        }
        if !current.isEmpty { lines.append(current.trimmingCharacters(in: .whitespaces)) }
        lines = lines.filter { !$0.isEmpty }
        guard !lines.isEmpty, end > start else { return ([], warnings) }
        var groups: [[String]] = []
        var i = 0
        while i < lines.count {
            groups.append(Array(lines[i..<min(i + limits.lines, lines.count)]))
            i += limits.lines
        }
        let total = Double(groups.reduce(0) { $0 + $1.joined().count })
        var cues: [Cue] = []
        var t = start
        for (n, group) in groups.enumerated() {
            let share = Double(group.joined().count) / max(total, 1)
            let next = n == groups.count - 1 ? end : t + (end - start) * share
            cues.append(Cue(start: t, end: next, lines: group))
            let speed = Double(group.joined(separator: " ").count) / max(next - t, 0.001)
            if speed > limits.readingSpeed {
                warnings.append(String(format: "%.1f characters a second, over the %.0f a viewer can read", speed, limits.readingSpeed))
            }
            t = next
        }
        return (cues, warnings)
    }

    /// `00:01:02.345` (WebVTT) or `00:01:02,345` (SubRip).
    static func timestamp(_ seconds: Double, separator: Character) -> String {
        let ms = Int((max(0, seconds) * 1000).rounded())
        return String(format: "%02d:%02d:%02d%@%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, String(separator), ms % 1000)
    }
}

extension ExportContext {
    /// Utterances of each recording, in time order.
    var byRecording: [(CorpusRecording, [Utterance])] {
        var groups: [Int: [Utterance]] = [:]
        for u in corpus.utterances { groups[u.recording, default: []].append(u) }
        return groups.keys.sorted().map { (corpus.recordings[$0], groups[$0]!.sorted { ($0.start, $0.id) < ($1.start, $1.id) }) }
    }

    /// A recording's utterances by speaker label, speakers in order of first speech, each in time order.
    func bySpeaker(_ utterances: [Utterance]) -> [(String, [Utterance])] {
        var order: [String] = [], groups: [String: [Utterance]] = [:]
        for u in utterances {
            let label = speakerLabel(u)
            if groups[label] == nil { order.append(label) }
            groups[label, default: []].append(u)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// `vtt/<recording>.<lang>.vtt` or `srt/<recording>.<lang>.srt`: per recording and language,
    /// times in the original recording.
    mutating func subtitles(_ format: ExportFormat) throws {
        let vtt = format == .vtt
        for (recording, utterances) in byRecording {
            for language in corpus.languages {
                let limits = options.subtitles.forLanguage(language)
                let unspaced = corpus.config.normalization(for: language).perCharacter
                var out = vtt ? "WEBVTT\n\n" : ""
                var n = 0
                for u in utterances {
                    guard let t = text(u, language) else { continue }
                    let (cues, problems) = SubtitleLayout.cues(start: u.start, end: u.end, text: t, limits: limits, unspaced: unspaced)
                    if vtt || !options.formats.contains(.vtt) { warnings += problems.map { "\(recording.key) \(language) segment \(u.segmentID): \($0)" } }
                    for cue in cues {
                        n += 1
                        let sep: Character = vtt ? "." : ","
                        var body = cue.lines.map { vtt ? Text.xml($0).replacingOccurrences(of: "&quot;", with: "\"") : $0 }.joined(separator: "\n")
                        // WebVTT names the speaker with a voice span (`<v Amina>`), for a known speaker.
                        if vtt, let name = u.speakerName { body = "<v \(Text.xml(Text.oneLine(name)))>" + body }
                        out += (vtt ? "\(u.id)-\(n)\n" : "\(n)\n")
                            + "\(SubtitleLayout.timestamp(cue.start, separator: sep)) --> \(SubtitleLayout.timestamp(cue.end, separator: sep))\n\(body)\n\n"
                    }
                }
                guard n > 0 else { continue }
                try output.write("\(format.rawValue)/\(recording.key).\(language).\(format.rawValue)", out)
            }
        }
    }
}
