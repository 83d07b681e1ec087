import ChorusStore
import ChorusValidation
import Foundation

/// The corpus's `README.md`: a Hugging Face dataset card (YAML header) and a datasheet saying
/// what is in the corpus, how it was made and by whom.
enum Datasheet {
    /// How the people were paid, in figures: never a name, never one person's pay.
    static func payParagraph(_ lines: [PayLine], _ pay: PayReport) -> String {
        // Everyone with work counts, also people with no rate: they are paid nothing in Chorus,
        // which is below any floor.
        let paid = lines
        guard lines.contains(where: { $0.model != .none }) || (pay.floor != nil && !lines.isEmpty) else {
            return "Pay: not recorded in Chorus for this corpus.\n\n"
        }
        var models: [String: Int] = [:]
        for l in paid { models[l.model == .none ? "with no pay rate" : "paid per \(l.model.rawValue)", default: 0] += 1 }
        let earnings = paid.reduce(Decimal(0)) { $0 + $1.earnings }
        let hours = paid.reduce(Decimal(0)) { $0 + $1.activeHours }
        let rates = paid.compactMap(\.effectiveHourly).sorted()
        func m(_ x: Decimal) -> String { Money.format(x, places: pay.places) }
        var out = "Pay (`chorus pay` over the whole project, \(pay.currency)): "
        out += models.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        out += "; \(m(earnings)) \(pay.currency) for \(Money.format(hours, places: 2)) active hours in all"
        if let low = rates.first, let high = rates.last {
            out += "; effective hourly pay from \(m(low)) to \(m(high)), median \(m(rates[rates.count / 2]))"
        }
        if let floor = pay.floor {
            let below = paid.filter(\.belowFloor)
            out += below.isEmpty ? "; everyone at or above the project's floor of \(floor) an hour"
                : "; \(below.count) below the project's floor of \(floor) an hour, short by \(m(below.reduce(0) { $0 + ($1.shortfall ?? 0) })) \(pay.currency) in all"
        } else {
            out += "; no pay floor was set"
        }
        let rejected = paid.reduce(0) { $0 + $1.rejected }, unpaid = paid.reduce(0) { $0 + $1.rejectedUnpaid }
        out += ". Rejected texts: \(rejected), of which unpaid: \(unpaid)."
        let seen = lines.reduce(0) { $0 + $1.distressingSeen }
        if seen > 0 { out += " Segments flagged distressing were worked on \(seen) times, by people who chose to after a warning." }
        return out + "\n\n"
    }

    static func render(corpus: Corpus, context: ExportContext, summary: ExportSummary, report: ValidationReport, pay: PayReport, options: ExportOptions) -> String {
        let n = corpus.utterances.count
        let size = n < 1_000 ? "n<1K" : n < 10_000 ? "1K<n<10K" : n < 100_000 ? "10K<n<100K" : n < 1_000_000 ? "100K<n<1M" : "1M<n<10M"
        var tasks = ["automatic-speech-recognition"]
        if !corpus.targetLanguages.isEmpty { tasks.append("translation") }
        var out = "---\n"
        out += "pretty_name: \(Text.yaml(options.name))\n"
        out += "language:\n" + corpus.languages.map { "- \(Text.yaml($0))\n" }.joined()
        out += "license: \(Text.yaml(options.license))\n"
        out += "task_categories:\n" + tasks.map { "- \($0)\n" }.joined()
        out += "size_categories:\n- \(size)\n"
        if options.formats.contains(.hf) {
            // So `datasets.load_dataset("path/to/corpus")` finds the audiofolder by itself.
            out += "configs:\n- config_name: default\n  data_dir: hf\n  drop_labels: true\n"
        }
        out += "---\n\n"
        out += "# \(options.name)\n\n"
        let hours = summary.seconds / 3600
        out += String(format: "A speech %@ corpus: %d segments, %.2f hours of %@ speech", corpus.targetLanguages.isEmpty ? "recognition" : "translation", n, hours, corpus.sourceLanguage)
        out += corpus.targetLanguages.isEmpty ? ".\n\n" : ", with translations into \(corpus.targetLanguages.joined(separator: ", ")).\n\n"
        out += "Made with Chorus \(Exporter.version) on \(ISO8601DateFormatter().string(from: Date()).prefix(10)). Licence: \(options.license).\n\n"

        out += "## Contents\n\n| Split | Segments | Hours | Speakers | Recordings |" + corpus.languages.map { " \($0) texts |" }.joined() + "\n"
        out += "|---|---:|---:|---:|---:|" + corpus.languages.map { _ in "---:|" }.joined() + "\n"
        for s in summary.splits {
            let us = corpus.utterances.filter { $0.split.rawValue == s.split }
            out += String(format: "| %@ | %d | %.3f | %d | %d |", s.split, s.segments, s.seconds / 3600, s.speakers, s.recordings)
            out += corpus.languages.map { l in " \(us.filter { context.text($0, l) != nil }.count) |" }.joined() + "\n"
        }
        out += "\nSplits are by duration (targets: "
        out += Split.allCases.map { String(format: "%@ %.0f %%", $0.rawValue, (options.proportions[$0] ?? 0) * 100) }.joined(separator: ", ")
        out += "), by each segment's own speaker: no speaker is in two splits. Segments with no known speaker stay with the rest of their recording's unknown voices. "
        var splitsOf: [Int: Set<Split>] = [:]
        for u in corpus.utterances { splitsOf[u.recording, default: []].insert(u.split) }
        let shared = splitsOf.values.filter { $0.count > 1 }.count
        out += shared == 0 ? "Every recording is in one split. "
            : "\(shared) recording\(shared == 1 ? " has" : "s have") speakers in different splits: each of \(shared == 1 ? "its" : "their") segments went with its speaker, so the recording is shared, never a speaker. "
        let known = Set(corpus.utterances.compactMap(\.speakerName)).count
        out += "\(known) named speaker\(known == 1 ? "" : "s")"
        let unknown = corpus.utterances.filter { $0.speakerName == nil }.count
        out += unknown == 0 ? ". " : "; \(unknown) segment\(unknown == 1 ? "" : "s") with no known speaker (their speaker id is their recording's). "
        out += "A speaker's split is fixed when they are first exported, so segments never move between splits as the corpus grows (unless their speaker is corrected).\n\n"
        out += "Every path inside the corpus is relative and nothing refers outside it: it can be moved or copied as a folder.\n\n"
        let audio = ExportFormat.audio(for: options)
        let what = [audio.clips ? "clips cut from the original recordings with the segmenter's padding" : nil,
                    audio.recordings ? "the whole recordings, which the formats that take offsets point into" : nil].compactMap { $0 }
        if !what.isEmpty {
            out += "Audio: " + what.joined(separator: ", and ") + ", \(options.keepChannels ? "channels kept" : "mixed down to mono"), "
            out += "resampled to \(options.sampleRate) Hz with libsoxr (high quality), \(options.audioType == .flac ? "FLAC" : "WAV") 16-bit.\n\n"
        }
        if summary.leftOut.isEmpty {
            out += "Nothing was left out: every segment of the project is here.\n\n"
        } else {
            out += "Left out (only settled texts are exported by default):\n\n"
            for (reason, count) in summary.leftOut.sorted(by: { $0.key < $1.key }) { out += "- \(count) segment\(count == 1 ? "" : "s"): \(reason)\n" }
            out += "\n"
        }

        out += "## Quality\n\n"
        let a = report.agreement
        if let c = a.transcriptCER, let w = a.transcriptWER {
            out += String(format: "- Transcribers' agreement: %d segments with two or more independent transcripts; mean pairwise CER %.3f (median %.3f), WER %.3f (median %.3f), after Chorus's comparison normalisation.\n", c.count, c.mean, c.median, w.mean, w.median)
        }
        for (language, d) in a.translationChrF.sorted(by: { $0.key < $1.key }) {
            out += String(format: "- Translators into %@: mean pairwise chrF %.1f (median %.1f) over %d segments.\n", language, d.mean, d.median, d.count)
        }
        if let alpha = a.skipReasonAlpha { out += String(format: "- Krippendorff's alpha over skip reasons: %.3f.\n", alpha) }
        var methods: [String: Int] = [:]
        for u in corpus.utterances { if let m = u.provenance[corpus.sourceLanguage]?.method { methods[m, default: 0] += 1 } }
        out += "- How transcripts settled: " + methods.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ".\n"
        out += "- Validation (`chorus validate`) over the whole project: \(report.errors) errors, \(report.warnings) warnings"
        let counted = report.rules.filter { $0.findings > 0 }
        out += counted.isEmpty ? ".\n\n" : " (" + counted.map { "\($0.rule) \($0.findings)" }.joined(separator: ", ") + "). Segments with errors are left out.\n\n"

        out += "## How it was made\n\n"
        let segmenters = Set(corpus.recordings.map(\.segmenter))
        out += "1. Recordings were split on silence by Chorus's segmenter with these settings: " + segmenters.sorted().map { "`\($0)`" }.joined(separator: "; ") + ".\n"
        out += "2. Each segment was transcribed independently by \(corpus.config.redundancy) people"
        out += corpus.targetLanguages.isEmpty ? ".\n" : " and each settled transcript translated by \(corpus.config.translationRedundancy) per language.\n"
        out += String(format: "3. Texts settled when the closest two agreed within %.0f %% character error rate after normalisation (the text closest to the others, `agreed`), by a word-level majority vote over three or more (`consensus`), or by a reviewer who had not transcribed it (`adjudicated`).\n\n", corpus.config.agreementThreshold * 100)

        out += "## The people\n\n"
        let contributors = Set(corpus.utterances.flatMap { $0.provenance.values.flatMap(\.annotators) })
        let people = corpus.rows.people.filter { contributors.contains("annotator-\($0.id)") }
        // Hours and pay from the same pay report, so the two never disagree.
        let lines = pay.lines.filter { line in people.contains { $0.name == line.annotator } }
        let activeHours = lines.reduce(Decimal(0)) { $0 + $1.activeHours }
        out += "\(people.count) \(people.count == 1 ? "person" : "people") transcribed, translated and reviewed the texts in this corpus"
        out += ", with \(Money.format(activeHours, places: 2)) hours of measured working time (active time: on screen with keys or audio, gaps over a minute left out; imported work as reported).\n\n"
        out += payParagraph(lines, pay)
        let credited = people.filter { $0.creditName != nil }
        if !credited.isEmpty {
            out += "With thanks to those who agreed to be named: " + credited.map { $0.creditName! }.sorted().joined(separator: ", ") + ".\n"
        }
        let anonymous = people.filter { $0.creditName == nil }
        if !anonymous.isEmpty {
            out += "\(anonymous.count) more chose not to be named; manifests refer to everyone by pseudonymous ids (" + anonymous.map { "annotator-\($0.id)" }.joined(separator: ", ") + ").\n"
        }
        out += "\n## Files\n\n"
        if audio.clips { out += "- `audio/<split>/<id>.\(options.audioType.fileExtension)`: the clips.\n" }
        if audio.recordings {
            out += "- `recordings/<recording>.\(options.audioType.fileExtension)`: the whole recordings, which "
            out += (options.wholeRecordings ? "the formats that take offsets, " : "") + "TextGrid, ELAN and the subtitles align to.\n"
        }
        for f in options.formats { out += "- \(f.writer.files)\n" }
        out += "- `export.json`: these figures for scripts. `SHA256SUMS`: every file's checksum (`sha256sum -c SHA256SUMS`).\n"
        return out
    }
}
