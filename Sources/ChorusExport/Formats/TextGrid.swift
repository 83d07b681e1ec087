import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let textgrid = ExportFormat(rawValue: "textgrid")
}

struct TextGridWriter: FormatWriter {
    let format = ExportFormat.textgrid
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`textgrid/<recording>.TextGrid`: Praat TextGrids, a tier per speaker and language, times in `recordings/<recording>`."
    let alignsToRecordings = true

    func write(_ context: inout ExportContext) throws { try context.textGrids() }
}

extension ExportContext {
    /// `textgrid/<recording>.TextGrid`: Praat's long text format, an interval tier per speaker
    /// and language (named "speaker [lang]", speakers in order of first speech), gaps filled
    /// with empty intervals so each tier covers the recording.
    func textGrids() throws {
        for (recording, all) in byRecording {
            let xmax = max(recording.duration, all.map(\.end).max() ?? 0)
            var tiers: [String] = []
            for (speaker, utterances) in bySpeaker(all) {
                for language in corpus.languages {
                    var intervals: [(Double, Double, String)] = []
                    var t = 0.0
                    for u in utterances {
                        guard let text = text(u, language) else { continue }
                        let start = max(u.start, t), end = min(u.end, xmax)
                        guard end > start else { continue }
                        if start > t { intervals.append((t, start, "")) }
                        intervals.append((start, end, Text.oneLine(text)))
                        t = end
                    }
                    if t < xmax { intervals.append((t, xmax, "")) }
                    var tier = """
                            item [\(tiers.count + 1)]:
                                class = "IntervalTier"
                                name = \(praat("\(speaker) [\(language)]"))
                                xmin = 0
                                xmax = \(xmax)
                                intervals: size = \(intervals.count)

                        """
                    for (n, interval) in intervals.enumerated() {
                        tier += """
                                    intervals [\(n + 1)]:
                                        xmin = \(interval.0)
                                        xmax = \(interval.1)
                                        text = \(praat(interval.2))

                            """
                    }
                    tiers.append(tier)
                }
            }
            let out = """
                File type = "ooTextFile"
                Object class = "TextGrid"

                xmin = 0
                xmax = \(xmax)
                tiers? <exists>
                size = \(tiers.count)
                item []:

                """ + tiers.joined()
            try output.write("textgrid/\(recording.key).TextGrid", out)
        }
    }

    /// A Praat string: double quotes doubled.
    func praat(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
