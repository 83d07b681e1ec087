import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let covost = ExportFormat(rawValue: "covost")
}

struct CoVoSTWriter: FormatWriter {
    let format = ExportFormat.covost
    let needsAudio = true
    let takesOffsets = false
    let needsTargets = true
    let files = "`covost/covost_v2.<src>_<tgt>.<split>.tsv`: CoVoST-style TSV, `path` relative to `audio/`."

    func write(_ context: inout ExportContext) throws { try context.covost() }
}

extension ExportContext {
    /// `covost/covost_v2.<src>_<tgt>.<split>.tsv`: path (relative to `audio/`), sentence,
    /// translation, client_id; tabs and line breaks in texts become spaces.
    func covost() throws {
        for target in corpus.targetLanguages {
            for (split, utterances) in splits {
                var lines = ["path\tsentence\ttranslation\tclient_id"]
                for u in utterances {
                    guard let t = u.translations[target] else { continue }
                    lines.append([String(u.audioPath.dropFirst("audio/".count)), Text.oneLine(u.text), Text.oneLine(t), speakerID(u)].joined(separator: "\t"))
                }
                try output.write("covost/covost_v2.\(corpus.sourceLanguage)_\(target).\(split.rawValue).tsv", lines.map { $0 + "\n" }.joined())
            }
        }
    }
}
