import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let mustc = ExportFormat(rawValue: "mustc")
}

struct MuSTCWriter: FormatWriter {
    let format = ExportFormat.mustc
    let needsAudio = true
    let takesOffsets = true
    let needsTargets = true
    let files = "`mustc/<src>-<tgt>/data/<split>/`: MuST-C layout (wav/ and txt/ with the yaml and line-aligned texts)."

    func write(_ context: inout ExportContext) throws { try context.mustc() }
}

extension ExportContext {
    /// `mustc/<src>-<tgt>/data/<split>/wav/` (the clips) and `txt/<split>.yaml`,
    /// `txt/<split>.<src>`, `txt/<split>.<tgt>`, line-aligned.
    func mustc() throws {
        for target in corpus.targetLanguages {
            for (split, all) in splits {
                let utterances = all.filter { $0.translations[target] != nil }
                guard !utterances.isEmpty else { continue }
                let folder = "mustc/\(corpus.sourceLanguage)-\(target)/data/\(split.rawValue)"
                var yaml: [String] = []
                for u in utterances {
                    let s = span(u)
                    let wav = (s.path as NSString).lastPathComponent
                    try output.link(s.path, as: "\(folder)/wav/\(wav)")
                    yaml.append("- {duration: \(Text.json(s.duration)), offset: \(Text.json(s.offset)), speaker_id: \(Text.yaml(speakerID(u))), wav: \(Text.yaml(wav))}\n")
                }
                try output.write("\(folder)/txt/\(split.rawValue).yaml", yaml.joined())
                try output.write("\(folder)/txt/\(split.rawValue).\(corpus.sourceLanguage)", utterances.map { Text.oneLine($0.text) + "\n" }.joined())
                try output.write("\(folder)/txt/\(split.rawValue).\(target)", utterances.map { Text.oneLine($0.translations[target] ?? "") + "\n" }.joined())
            }
        }
    }
}
