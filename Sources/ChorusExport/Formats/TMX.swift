import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let tmx = ExportFormat(rawValue: "tmx")
}

struct TMXWriter: FormatWriter {
    let format = ExportFormat.tmx
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = true
    let files = "`tmx/<split>.tmx`: TMX 1.4b translation memories."

    func write(_ context: inout ExportContext) throws { try context.tmx() }
}

extension ExportContext {
    /// `tmx/<split>.tmx`: TMX 1.4b, a `tu` per segment with a `tuv` per language.
    func tmx() throws {
        guard !corpus.targetLanguages.isEmpty else { return }
        for (split, utterances) in splits {
            var out = """
                <?xml version="1.0" encoding="UTF-8"?>
                <tmx version="1.4">
                  <header creationtool="Chorus" creationtoolversion="\(Exporter.version)" segtype="sentence" o-tmf="chorus" adminlang="en" srclang="\(Text.xml(corpus.sourceLanguage))" datatype="plaintext"/>
                  <body>

                """
            for u in utterances where !u.translations.isEmpty {
                out += "    <tu tuid=\"\(Text.xml(u.id))\">\n"
                out += "      <prop type=\"x-speaker\">\(Text.xml(speakerID(u)))</prop>\n"
                for language in corpus.languages {
                    guard let t = text(u, language) else { continue }
                    out += "      <tuv xml:lang=\"\(Text.xml(language))\"><seg>\(Text.xml(Text.oneLine(t)))</seg></tuv>\n"
                }
                out += "    </tu>\n"
            }
            out += "  </body>\n</tmx>\n"
            try output.write("tmx/\(split.rawValue).tmx", out)
        }
    }
}
