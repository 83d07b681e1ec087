import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let hf = ExportFormat(rawValue: "hf")
}

struct HuggingFaceWriter: FormatWriter {
    let format = ExportFormat.hf
    let needsAudio = true
    let takesOffsets = false
    let needsTargets = false
    let files = "`hf/<split>/`: audiofolder; `datasets.load_dataset(\"path/to/this/corpus\")` (the card's `configs` points at it) or `datasets.load_dataset(\"audiofolder\", data_dir=\"hf\")`."

    func write(_ context: inout ExportContext) throws { try context.huggingFace() }
}

extension ExportContext {
    /// `hf/<split>/`: the clips and `metadata.jsonl` (`file_name`, `text`, a
    /// `translation_<lang>` column per target language, speaker, language, provenance).
    func huggingFace() throws {
        for (split, utterances) in splits {
            let folder = "hf/\(split.rawValue)"
            var lines: [String] = []
            for u in utterances {
                try output.link(u.audioPath, as: "\(folder)/\(fileName(u))")
                var pairs: [(String, String?)] = [("file_name", Text.json(fileName(u))), ("id", Text.json(u.id)), ("text", Text.json(u.text))]
                for language in corpus.targetLanguages { pairs.append(("translation_\(language)", Text.json(u.translations[language] ?? ""))) }
                pairs += [("language", Text.json(corpus.sourceLanguage)),
                          ("speaker_id", Text.json(u.speaker)), ("speaker", Text.json(speakerLabel(u))),
                          ("duration", Text.json(clipDuration(u)))] + source(u)
                // Provenance as flat columns, so every row has the same schema.
                for language in corpus.languages {
                    let prefix = language == corpus.sourceLanguage ? "transcript" : "translation_\(language)"
                    let p = u.provenance[language]
                    pairs += [("\(prefix)_method", Text.json(p?.method ?? "")), ("\(prefix)_agreement", p?.agreement.map(Text.json) ?? "null"),
                              ("\(prefix)_annotators", "[" + (p?.annotators ?? []).map(Text.json).joined(separator: ", ") + "]")]
                }
                lines.append(Text.object(pairs) + "\n")
            }
            try output.write("\(folder)/metadata.jsonl", lines.joined())
        }
    }
}
