import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let moses = ExportFormat(rawValue: "moses")
}

struct MosesWriter: FormatWriter {
    let format = ExportFormat.moses
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`moses/<split>.<lang>`: line-aligned text (`<split>.ids` names each line's segment)."

    func write(_ context: inout ExportContext) throws { try context.moses() }
}

extension ExportContext {

    /// `moses/<split>.<lang>`: one segment a line, the same line in every language.
    func moses() throws {
        for (split, all) in splits {
            let utterances = all.filter { u in corpus.targetLanguages.allSatisfy { u.translations[$0] != nil } }
            for language in corpus.languages {
                try output.write("moses/\(split.rawValue).\(language)", utterances.map { Text.oneLine(text($0, language) ?? "") + "\n" }.joined())
            }
            try output.write("moses/\(split.rawValue).ids", utterances.map { $0.id + "\n" }.joined())
        }
    }
}
