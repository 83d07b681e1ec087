import ChorusAudio
import ChorusStore
import CZlib
import Foundation

extension ExportFormat {
    public static let eaf = ExportFormat(rawValue: "eaf")
}

struct ELANWriter: FormatWriter {
    let format = ExportFormat.eaf
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`eaf/<recording>.eaf`: ELAN documents, transcript and translation tiers per speaker, the media `recordings/<recording>` by relative URL."
    let alignsToRecordings = true

    func write(_ context: inout ExportContext) throws { try context.eafs() }
}

extension ExportContext {
    /// `eaf/<recording>.eaf`: ELAN 3.0, per speaker a time-aligned transcript tier ("speaker
    /// [lang]", its PARTICIPANT the speaker) and a translation tier per target language
    /// symbolically associated with it; the media the whole recording exported beside it
    /// (`../recordings/`), by relative URL, so the corpus can be moved.
    func eafs() throws {
        let date = ISO8601DateFormatter().string(from: Date())
        for (recording, all) in byRecording {
            var slots: [String] = [], tiers: [String] = []
            var nextAnnotation = 1, nextSlot = 1
            let source = Text.xml(corpus.sourceLanguage)
            for (label, utterances) in bySpeaker(all) {
                var transcript: [String] = []
                var translations: [String: [String]] = [:]
                for u in utterances {
                    let a = "ts\(nextSlot)", b = "ts\(nextSlot + 1)"
                    nextSlot += 2
                    slots.append("        <TIME_SLOT TIME_SLOT_ID=\"\(a)\" TIME_VALUE=\"\(Int((u.start * 1000).rounded()))\"/>")
                    slots.append("        <TIME_SLOT TIME_SLOT_ID=\"\(b)\" TIME_VALUE=\"\(Int((u.end * 1000).rounded()))\"/>")
                    let id = "a\(nextAnnotation)"
                    nextAnnotation += 1
                    transcript.append("""
                                <ANNOTATION>
                                    <ALIGNABLE_ANNOTATION ANNOTATION_ID="\(id)" TIME_SLOT_REF1="\(a)" TIME_SLOT_REF2="\(b)">
                                        <ANNOTATION_VALUE>\(Text.xml(Text.oneLine(u.text)))</ANNOTATION_VALUE>
                                    </ALIGNABLE_ANNOTATION>
                                </ANNOTATION>
                        """)
                    for language in corpus.targetLanguages {
                        guard let t = u.translations[language] else { continue }
                        translations[language, default: []].append("""
                                    <ANNOTATION>
                                        <REF_ANNOTATION ANNOTATION_ID="a\(nextAnnotation)" ANNOTATION_REF="\(id)">
                                            <ANNOTATION_VALUE>\(Text.xml(Text.oneLine(t)))</ANNOTATION_VALUE>
                                        </REF_ANNOTATION>
                                    </ANNOTATION>
                            """)
                        nextAnnotation += 1
                    }
                }
                let speaker = Text.xml(label)
                let parent = Text.xml("\(label) [\(corpus.sourceLanguage)]")
                tiers.append("    <TIER LINGUISTIC_TYPE_REF=\"transcription\" PARTICIPANT=\"\(speaker)\" TIER_ID=\"\(parent)\" LANG_REF=\"\(source)\">\n" + transcript.joined(separator: "\n") + "\n    </TIER>")
                for language in corpus.targetLanguages {
                    let l = Text.xml(language)
                    let body = translations[language].map { "\n" + $0.joined(separator: "\n") + "\n" } ?? "\n"
                    tiers.append("    <TIER LINGUISTIC_TYPE_REF=\"translation\" PARENT_REF=\"\(parent)\" PARTICIPANT=\"\(speaker)\" TIER_ID=\"\(Text.xml("\(label) [\(language)]"))\" LANG_REF=\"\(l)\">" + body + "    </TIER>")
                }
            }
            // The whole recording exported into the corpus, named relative to this document
            // (ELAN looks there when MEDIA_URL is not found), never a path outside the corpus.
            let media = "../" + Text.xml(recording.audioPath)
            let mime = recording.audioPath.lowercased().hasSuffix(".wav") ? "audio/x-wav" : "audio/*"
            let relative = " RELATIVE_MEDIA_URL=\"\(media)\""
            let languages = corpus.languages.map { "    <LANGUAGE LANG_ID=\"\(Text.xml($0))\" LANG_LABEL=\"\(Text.xml($0))\"/>" }
            let out = """
                <?xml version="1.0" encoding="UTF-8"?>
                <ANNOTATION_DOCUMENT AUTHOR="Chorus" DATE="\(date)" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
                    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
                        <MEDIA_DESCRIPTOR MEDIA_URL="\(media)" MIME_TYPE="\(mime)"\(relative)/>
                        <PROPERTY NAME="lastUsedAnnotationId">\(nextAnnotation - 1)</PROPERTY>
                    </HEADER>
                    <TIME_ORDER>
                \(slots.joined(separator: "\n"))
                    </TIME_ORDER>
                \(tiers.joined(separator: "\n"))
                    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="transcription" TIME_ALIGNABLE="true"/>
                    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="translation" TIME_ALIGNABLE="false"/>
                \(languages.joined(separator: "\n"))
                    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>
                    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>
                    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
                    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation's time interval, gaps are allowed" STEREOTYPE="Included_In"/>
                </ANNOTATION_DOCUMENT>

                """
            try output.write("eaf/\(recording.key).eaf", out)
        }
    }
}
