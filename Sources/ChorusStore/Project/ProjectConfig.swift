import ChorusMetrics
import Foundation
import Yams

/// A project's settings, kept in `chorus.yaml` in the project folder: human-editable,
/// commented, read on every run.
public struct ProjectConfig: Sendable, Equatable {
    /// The language spoken in the recordings.
    public var sourceLanguage: LanguageTag
    /// Languages the settled transcripts are translated into; none for a transcription-only corpus.
    public var targetLanguages: [LanguageTag]
    /// The store: a SQLite file name inside the project folder, or a PostgreSQL URL
    /// (`postgres://user@host/db`) for a team.
    public var database: String = "chorus.sqlite"
    /// Transcription tasks per segment: independent transcripts, so agreement can be measured.
    public var redundancy: Int = 2
    /// Translation tasks per segment and target language.
    public var translationRedundancy: Int = 1
    /// Minutes a claimed task stays with its annotator before it returns to the pool.
    public var leaseMinutes: Double = 15
    /// Settling: a segment's texts agree when the closest two differ by at most this
    /// character error rate after comparison normalisation (0 to 1; 0.05 is 5 %).
    public var agreementThreshold: Double = 0.05
    /// Non-speech tags transcribers may type; checked when a transcript is submitted.
    public var tags: [String] = ProjectConfig.defaultTags

    /// The tags a new project starts with.
    public static let defaultTags = ["[noise]", "[laugh]", "[cough]", "[breath]", "[music]", "[unintelligible]", "[foreign]"]
    /// Seconds playback backs up when resumed after a pause, so the last words are heard again (0 to 5).
    public var rewindOnResume: Double = 2
    /// Pause the audio while the annotator types, resuming a second after they stop.
    public var pauseWhileTyping = false
    /// Seconds the rewind and forward keys move the playhead (0.5 to 10).
    public var seekSeconds: Double = 2
    /// Seconds of audio either side of the segment that "hear around" plays (0.5 to 5).
    public var contextSeconds: Double = 2
    /// Whether transcribers may insert the play time as a timestamp (`[1:23.4]`, recording time).
    public var timestamps = false
    /// An external player for machines where ALSA does not reach the speakers; reads raw 32-bit
    /// float samples on standard input, with `{rate}` and `{channels}` filled in. Empty: ALSA.
    public var player = ""
    /// A command that writes a machine draft (an ASR or MT system's output) to standard output;
    /// `{audio}` is a WAV of the clip, `{text}` the source text, `{lang}` the language. Empty: none.
    public var draftCommand = ""
    /// Key bindings that differ from the defaults: action name to key names, such as
    /// `replay: [tab, ctrl-space]`.
    public var keys: [String: [String]] = [:]
    /// Per-language overrides of agreement normalisation and the plausible speaking rate,
    /// keyed by language tag (a primary subtag such as `zh` covers `zh-Hant` too).
    public var languages: [String: LanguageSettings] = [:]

    // The people in the loop.
    /// The pay model for people with no rate of their own.
    public var payModel: PayModel = .none
    /// Its rate, a decimal string in ``currency`` ("12.50").
    public var payRate = ""
    /// ISO 4217 code of every amount in the project.
    public var currency = "USD"
    /// The least effective hourly pay the project stands by (a decimal string); empty: none.
    public var payFloor = ""
    /// Whether rejected work is paid. When false, it applies only to work submitted after the
    /// person was shown these terms.
    public var payRejectedWork = true
    /// Minutes of continuous work before the loop suggests a break (0: never).
    public var breakAfterMinutes: Double = 50
    /// Hours of active work a day after which the loop hands out no more tasks (0: no cap).
    public var dailyCapHours: Double = 0
    /// Segments flagged distressing a person is handed a day at most (0: no cap).
    public var distressingPerDay = 0

    /// The file name of the config inside a project folder.
    public static let fileName = "chorus.yaml"

    public init(sourceLanguage: LanguageTag, targetLanguages: [LanguageTag]) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguages = targetLanguages
    }

    /// The first setting that cannot work, with its key, or nil.
    public func problem() -> String? {
        if redundancy < 1 || redundancy > 10 { return "redundancy must be between 1 and 10" }
        if translationRedundancy < 1 || translationRedundancy > 10 { return "translation_redundancy must be between 1 and 10" }
        if !(leaseMinutes >= 1 && leaseMinutes <= 24 * 60) { return "lease_minutes must be between 1 and 1440" }
        if !(agreementThreshold >= 0 && agreementThreshold <= 1) { return "agreement_threshold must be between 0 and 1 (0.05 is 5 %)" }
        if targetLanguages.contains(sourceLanguage) { return "target_languages must not include the source language \(sourceLanguage)" }
        if Set(targetLanguages).count != targetLanguages.count { return "target_languages has a language twice" }
        if !PostgresDatabase.isURL(database) && (database.isEmpty || database.contains("/")) {
            return "database must be a file name inside the project folder or a postgres:// URL"
        }
        for tag in tags where !(tag.hasPrefix("[") && tag.hasSuffix("]") && tag.count > 2) {
            return "tags must look like [noise]; '\(tag)' does not"
        }
        if !(rewindOnResume >= 0 && rewindOnResume <= 5) { return "rewind_on_resume must be between 0 and 5 seconds" }
        if !(seekSeconds >= 0.5 && seekSeconds <= 10) { return "seek_seconds must be between 0.5 and 10 seconds" }
        if !(contextSeconds >= 0.5 && contextSeconds <= 5) { return "context_seconds must be between 0.5 and 5 seconds" }
        if !player.isEmpty && player.trimmingCharacters(in: .whitespaces).isEmpty { return "player must be a command or empty" }
        if !payRate.isEmpty && Money.parse(payRate) == nil { return "pay_rate must be a decimal amount such as 12.50" }
        if payModel != .none && payRate.isEmpty { return "pay_model \(payModel.rawValue) needs a pay_rate" }
        if !payFloor.isEmpty && Money.parse(payFloor) == nil { return "pay_floor must be a decimal hourly amount such as 15.00" }
        if Currency.minorUnits(currency) == nil { return "currency must be an ISO 4217 code such as EUR, USD, KES or JPY" }
        if !(breakAfterMinutes >= 0 && breakAfterMinutes <= 24 * 60) { return "break_after_minutes must be between 0 and 1440" }
        if !(dailyCapHours >= 0 && dailyCapHours <= 24) { return "daily_cap_hours must be between 0 and 24" }
        if distressingPerDay < 0 { return "distressing_per_day must be 0 or more" }
        return nil
    }

    /// The first word in `text` that looks like a non-speech tag (`[...]`) but is not in ``tags``.
    public func unknownTag(in text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            guard let close = rest[open...].firstIndex(of: "]") else { return String(rest[open...]) }
            let tag = String(rest[open...close])
            if !tags.contains(tag) && !(timestamps && Self.isTimestamp(tag)) { return tag }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// A play-time stamp as the loop inserts it: `[1:23.4]`, minutes and seconds with one decimal.
    public static func timestamp(_ seconds: Double) -> String {
        let tenths = Int((max(0, seconds) * 10).rounded())
        return String(format: "[%d:%02d.%d]", tenths / 600, tenths / 10 % 60, tenths % 10)
    }

    /// Whether `tag` is a stamp ``timestamp(_:)`` writes.
    public static func isTimestamp(_ tag: String) -> Bool {
        tag.wholeMatch(of: /\[[0-9]+:[0-5][0-9]\.[0-9]\]/) != nil
    }

    // MARK: Per-language settings

    /// The `languages:` entry that applies to `language`: its own tag, else its primary subtag.
    public func settings(for language: String?) -> LanguageSettings {
        guard let language else { return LanguageSettings() }
        let lower = language.lowercased()
        let primary = lower.split(separator: "-").first.map(String.init) ?? lower
        return languages.first { $0.key.lowercased() == lower }?.value
            ?? languages.first { $0.key.lowercased() == primary }?.value
            ?? LanguageSettings()
    }

    /// The agreement normalisation for `language`: the defaults, then its `languages:` overrides.
    public func normalization(for language: String?) -> ComparisonNormalization {
        let s = settings(for: language)
        return ComparisonNormalization(
            tags: tags,
            perCharacter: s.scoring.map { $0 == .characters } ?? ComparisonNormalization.isUnspaced(language),
            foldCase: s.foldCase ?? true,
            removePunctuation: s.removePunctuation ?? true)
    }

    /// Characters a second (after normalisation, spaces not counted) that `language` is
    /// plausibly spoken at.
    public func speakingRate(for language: String) -> ClosedRange<Double> {
        settings(for: language).speakingRate ?? LanguageSettings.defaultSpeakingRate(perCharacter: normalization(for: language).perCharacter)
    }

    // MARK: The file

    private static let keys = ["source_language", "target_languages", "database", "redundancy", "translation_redundancy", "lease_minutes", "agreement_threshold", "tags", "rewind_on_resume", "pause_while_typing", "seek_seconds", "context_seconds", "timestamps", "player", "draft_command", "keys", "languages",
                                      "pay_model", "pay_rate", "currency", "pay_floor", "pay_rejected_work",
                                      "break_after_minutes", "daily_cap_hours", "distressing_per_day"]

    /// The config as a commented YAML document.
    public var yaml: String {
        func list(_ xs: [String]) -> String { "[" + xs.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
            # Chorus project settings. Edit freely: every chorus command reads this file.
            # Languages are BCP-47 tags: sw, en, fr, pt-BR, zh-Hant.

            # The language spoken in the recordings.
            source_language: \(sourceLanguage)

            # Languages the settled transcripts are translated into ([] for none).
            target_languages: \(list(targetLanguages.map(\.value)))

            # The store: a SQLite file in this folder, or a PostgreSQL URL (postgres://user@host/db).
            database: \(PostgresDatabase.isURL(database) ? "\"\(database)\"" : database)

            # Transcription tasks per segment: independent transcripts, so agreement can be measured.
            redundancy: \(redundancy)

            # Translation tasks per segment and target language.
            translation_redundancy: \(translationRedundancy)

            # Minutes a claimed task stays with its annotator before it returns to the pool.
            lease_minutes: \(yamlNumber(leaseMinutes))

            # Settling: texts agree when the closest two differ by at most this character error
            # rate after normalisation (case, accents' form, punctuation, tags); the settled text
            # is then the one closest to all others. Otherwise a reviewer decides.
            agreement_threshold: \(agreementThreshold)

            # Non-speech tags transcribers may type.
            tags: \(list(tags))

            # The annotation loop (chorus transcribe, translate, review).
            # Seconds playback backs up when resumed after a pause (0 to 5).
            rewind_on_resume: \(yamlNumber(rewindOnResume))
            # Pause the audio while typing; it resumes a second after the last key.
            pause_while_typing: \(pauseWhileTyping)
            # Seconds the rewind and forward keys move (0.5 to 10).
            seek_seconds: \(yamlNumber(seekSeconds))
            # Seconds either side of the segment that "hear around" plays (0.5 to 5).
            context_seconds: \(yamlNumber(contextSeconds))
            # Let transcribers insert the play time as a timestamp, such as [1:23.4].
            timestamps: \(timestamps)
            # An external player instead of ALSA, reading raw float samples on standard input:
            # "pacat --raw --format=float32le --rate={rate} --channels={channels}"
            player: "\(player)"
            # A machine draft to start from: {audio} is a WAV of the clip, {text} the source text,
            # {lang} the language; its standard output pre-fills the editor. Example:
            # "whisper-cli -m ggml-base.bin -l {lang} -nt -np -f {audio}"
            draft_command: "\(draftCommand)"
            # Keys that differ from the defaults (see docs/annotating.md in Chorus), for example:
            # keys: {replay: [tab, ctrl-space], pause: [ctrl-p, escape]}
            keys: {\(keys.keys.sorted().map { "\($0): \(list(keys[$0] ?? []))" }.joined(separator: ", "))}

            # Per language (a tag, or a primary subtag for all its variants): how texts are
            # compared for agreement and the plausible speaking rate in characters a second.
            # scoring: words or characters (default: characters for Chinese, Japanese, Thai,
            # Lao, Khmer, Burmese, Tibetan ...); case_fold and remove_punctuation: true or false
            # (default true); speaking_rate: [slowest, fastest] (default [3, 30], or [1, 12] when
            # scored per character). Example:
            # languages: {th: {scoring: characters, speaking_rate: [2, 16]}, de: {case_fold: false}}
            languages: {\(languages.keys.sorted().map { "\($0): \(languages[$0]!.yaml)" }.joined(separator: ", "))}

            # Pay (chorus pay, chorus me). The model and rate for people without their own
            # (chorus annotators add --rate): hour, audio-minute, task or none.
            pay_model: \(payModel.rawValue)
            pay_rate: "\(payRate)"
            # ISO 4217 currency of every amount.
            currency: \(currency)
            # The least effective hourly pay the project stands by; people below it are flagged
            # with the shortfall. Empty: no floor.
            pay_floor: "\(payFloor)"
            # Whether rejected work is paid. false applies only to work submitted after the
            # person was shown these terms (the loop shows them on first start).
            pay_rejected_work: \(payRejectedWork)

            # Wellbeing in the annotation loop. Minutes of continuous work before a break is
            # suggested (0: never); hours of active work a day after which no more tasks are
            # handed out (0: no cap); segments flagged distressing handed to one person a day (0: no cap).
            break_after_minutes: \(yamlNumber(breakAfterMinutes))
            daily_cap_hours: \(yamlNumber(dailyCapHours))
            distressing_per_day: \(distressingPerDay)

            """
    }

    /// Reads and checks a config file.
    /// - Throws: ``ProjectError`` `.invalidConfig` naming the file and the key (or the YAML line) at fault.
    public static func read(path: String, registry: LanguageRegistry? = nil) throws -> ProjectConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ProjectError(code: .invalidConfig, message: "cannot read the project config", path: path)
        }
        func fail(_ message: String) -> ProjectError { ProjectError(code: .invalidConfig, message: message, path: path) }
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch let error as YamlError {
            throw fail("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let map = node as? [String: Any] else { throw fail("expected key: value settings") }
        if let unknown = map.keys.sorted().first(where: { !keys.contains($0) }) {
            throw fail("unknown setting '\(unknown)' (known: \(keys.joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String? {
            guard let v = map[key] else { return nil }
            guard let s = v as? String else { throw fail("\(key) must be text") }
            return s
        }
        func number(_ key: String, _ what: String) throws -> Double? {
            guard let v = map[key] else { return nil }
            guard let n = (v as? Double) ?? (v as? Int).map(Double.init) else { throw fail("\(key) must be \(what)") }
            return n
        }
        func whole(_ key: String) throws -> Int? {
            guard let v = map[key] else { return nil }
            guard let n = v as? Int else { throw fail("\(key) must be a whole number") }
            return n
        }
        func flag(_ key: String) throws -> Bool? {
            guard let v = map[key] else { return nil }
            guard let b = v as? Bool else { throw fail("\(key) must be true or false") }
            return b
        }
        func tag(_ text: String, _ key: String) throws -> LanguageTag {
            do { return try LanguageTag(text, registry: registry) } catch let e as ProjectError { throw fail("\(key): \(e.message)") }
        }
        guard let source = try string("source_language") else { throw fail("source_language is missing") }
        var targets: [LanguageTag] = []
        if let raw = map["target_languages"] {
            guard let xs = raw as? [Any] else { throw fail("target_languages must be a list, like [en, fr]") }
            for x in xs {
                guard let s = x as? String else { throw fail("target_languages must hold language tags") }
                targets.append(try tag(s, "target_languages"))
            }
        }
        var config = ProjectConfig(sourceLanguage: try tag(source, "source_language"), targetLanguages: targets)
        if let db = try string("database") { config.database = db }
        if let n = try whole("redundancy") { config.redundancy = n }
        if let n = try whole("translation_redundancy") { config.translationRedundancy = n }
        if let n = try number("agreement_threshold", "a number between 0 and 1") { config.agreementThreshold = n }
        if let n = try number("lease_minutes", "a number") { config.leaseMinutes = n }
        if let v = map["tags"] {
            guard let xs = v as? [String] else { throw fail("tags must be a list of text, like [\"[noise]\"]") }
            config.tags = xs
        }
        if let n = try number("rewind_on_resume", "a number of seconds") { config.rewindOnResume = n }
        if let b = try flag("pause_while_typing") { config.pauseWhileTyping = b }
        if let n = try number("seek_seconds", "a number of seconds") { config.seekSeconds = n }
        if let n = try number("context_seconds", "a number of seconds") { config.contextSeconds = n }
        if let b = try flag("timestamps") { config.timestamps = b }
        if let v = try string("player") { config.player = v }
        if let v = try string("draft_command") { config.draftCommand = v }
        if let v = map["keys"] {
            guard let m = v as? [String: Any] else { throw fail("keys must map actions to keys, like {replay: [tab, ctrl-space]}") }
            for (action, value) in m {
                if let one = value as? String {
                    config.keys[action] = [one]
                } else if let many = value as? [String] {
                    config.keys[action] = many
                } else {
                    throw fail("keys.\(action) must be a key name or a list of them")
                }
            }
        }
        if let v = map["languages"] {
            guard let m = v as? [String: Any] else { throw fail("languages must map language tags to settings, like {th: {scoring: characters}}") }
            for (key, value) in m {
                let language = try tag(key, "languages")
                do {
                    config.languages[language.value] = try LanguageSettings(yaml: value)
                } catch let e as LanguageSettings.Problem {
                    throw fail("languages.\(key)\(e.field.map { "." + $0 } ?? ""): \(e.message)")
                }
            }
        }
        if let v = try string("pay_model") {
            guard let m = PayModel(rawValue: v) else { throw fail("pay_model must be hour, audio-minute, task or none") }
            config.payModel = m
        }
        // Amounts may be written as numbers or as quoted text; either is read as written, in decimal.
        func amount(_ key: String) throws -> String? {
            guard let v = map[key] else { return nil }
            if let s = v as? String { return s }
            if v is Int || v is Double, let raw = rawScalar(key, in: text) { return raw }
            throw fail("\(key) must be a decimal amount such as 12.50")
        }
        if let v = try amount("pay_rate") { config.payRate = v }
        if let v = try amount("pay_floor") { config.payFloor = v }
        if let v = try string("currency") { config.currency = v.uppercased() }
        if let b = try flag("pay_rejected_work") { config.payRejectedWork = b }
        if let n = try number("break_after_minutes", "a number of minutes") { config.breakAfterMinutes = n }
        if let n = try number("daily_cap_hours", "a number of hours") { config.dailyCapHours = n }
        if let n = try whole("distressing_per_day") { config.distressingPerDay = n }
        if let problem = config.problem() { throw fail(problem) }
        // Never a default: a config that lost this line must not move a project to an empty store.
        guard map["database"] != nil else {
            throw fail("database is missing: it names the project's store (a SQLite file in this folder, or a postgres:// URL); chorus init writes it, so restore the line")
        }
        return config
    }
}


/// One language's overrides in `chorus.yaml`'s `languages:`; nil fields keep the defaults.
public struct LanguageSettings: Sendable, Equatable {
    public enum Scoring: String, Sendable { case words, characters }
    public var scoring: Scoring?
    public var foldCase: Bool?
    public var removePunctuation: Bool?
    public var speakingRate: ClosedRange<Double>?

    public init(scoring: Scoring? = nil, foldCase: Bool? = nil, removePunctuation: Bool? = nil, speakingRate: ClosedRange<Double>? = nil) {
        self.scoring = scoring
        self.foldCase = foldCase
        self.removePunctuation = removePunctuation
        self.speakingRate = speakingRate
    }

    /// (slowest, fastest) characters a second when a language sets none: scripts scored per
    /// character carry more per character and run slower.
    public static func defaultSpeakingRate(perCharacter: Bool) -> ClosedRange<Double> { perCharacter ? 1...12 : 3...30 }

    struct Problem: Error {
        let field: String?
        let message: String
    }

    static let fields = ["scoring", "case_fold", "remove_punctuation", "speaking_rate"]

    init(yaml: Any) throws {
        guard let m = yaml as? [String: Any] else { throw Problem(field: nil, message: "expected settings, like {scoring: characters}") }
        if let unknown = m.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw Problem(field: unknown, message: "unknown setting (known: \(Self.fields.joined(separator: ", ")))")
        }
        if let v = m["scoring"] {
            guard let s = (v as? String).flatMap(Scoring.init(rawValue:)) else { throw Problem(field: "scoring", message: "must be words or characters") }
            scoring = s
        }
        for (key, path) in [("case_fold", \LanguageSettings.foldCase), ("remove_punctuation", \LanguageSettings.removePunctuation)] {
            guard let v = m[key] else { continue }
            guard let b = v as? Bool else { throw Problem(field: key, message: "must be true or false") }
            self[keyPath: path] = b
        }
        if let v = m["speaking_rate"] {
            let xs = (v as? [Any])?.compactMap { ($0 as? Double) ?? ($0 as? Int).map(Double.init) }
            guard let xs, xs.count == 2, (v as? [Any])?.count == 2, xs[0] >= 0, xs[0] < xs[1] else {
                throw Problem(field: "speaking_rate", message: "must be [slowest, fastest] characters a second, like [3, 30]")
            }
            speakingRate = xs[0]...xs[1]
        }
    }

    var yaml: String {
        var parts: [String] = []
        if let scoring { parts.append("scoring: \(scoring.rawValue)") }
        if let foldCase { parts.append("case_fold: \(foldCase)") }
        if let removePunctuation { parts.append("remove_punctuation: \(removePunctuation)") }
        if let r = speakingRate { parts.append("speaking_rate: [\(yamlNumber(r.lowerBound)), \(yamlNumber(r.upperBound))]") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// A number for chorus.yaml: whole numbers without a decimal point ("15", "7.5").
func yamlNumber(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

/// A top-level scalar exactly as written in the YAML text (`pay_rate: 12.50` → "12.50"), so
/// amounts never pass through binary floating point.
func rawScalar(_ key: String, in text: String) -> String? {
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        var value = line.dropFirst(key.count + 1)
        if let hash = value.firstIndex(of: "#") { value = value[..<hash] }
        let v = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return v.isEmpty ? nil : v
    }
    return nil
}
