import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let nemo = ExportFormat(rawValue: "nemo")
}

struct NeMoWriter: FormatWriter {
    let format = ExportFormat.nemo
    let needsAudio = true
    let takesOffsets = true
    let needsTargets = false
    let files = "`nemo/<split>.jsonl`: NeMo manifests (`audio_filepath` relative to the manifest; `speaker`, and the clip's source recording and times)."

    func write(_ context: inout ExportContext) throws { try context.nemo() }
}

extension ExportContext {
    /// `nemo/<split>.jsonl`: one JSON object a line; `audio_filepath` relative to the manifest,
    /// which NeMo resolves against the manifest's folder.
    func nemo() throws {
        for (split, utterances) in splits {
            let lines = utterances.map { u in
                Text.object([
                    ("audio_filepath", Text.json("../" + span(u).path)), ("duration", Text.json(span(u).duration)),
                    ("offset", options.wholeRecordings ? Text.json(u.start) : nil),
                    ("text", Text.json(u.text)), ("lang", Text.json(corpus.sourceLanguage)),
                    ("translations", translations(u)), ("speaker", Text.json(u.speaker)), ("speaker_name", u.speakerName.map(Text.json)),
                    ("id", Text.json(u.id)), ("content_warning", u.contentWarning ? "true" : nil), ("provenance", provenance(u)),
                ] + source(u)) + "\n"
            }
            try output.write("nemo/\(split.rawValue).jsonl", lines.joined())
        }
    }
}
