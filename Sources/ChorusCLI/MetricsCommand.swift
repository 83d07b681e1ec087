import ChorusSupport
import ArgumentParser
import ChorusMetrics
import ChorusStore
import ChorusValidation
import Foundation

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Agreement and error metrics with the numbers the field's reference tools give.",
        discussion: """
            Each takes a reference and a hypothesis file, UTF-8, one sentence per line (lines end at \\n; a final newline does not start another line), the same number of lines in both, and prints one JSON object with the corpus-level score under the metric's name and the counts behind it.

            Examples:
            $ chorus metrics wer references.txt transcripts.txt
            {"deletions":1,"hits":17,"hypothesis_words":18,"insertions":0,"reference_words":19,"substitutions":1,"wer":0.10526315789473684}
            $ chorus metrics cer references.txt transcripts.txt
            """,
        subcommands: [ErrorRate.self, CharacterF.self, BLEUScore.self, Alpha.self, KappaScore.self])

    /// WER, CER, MER and WIL, one subcommand each.
    struct ErrorRate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wer",
            abstract: "Word error rate as jiwer computes it by default (also: cer, mer, wil).",
            aliases: ["cer", "mer", "wil"])

        @OptionGroup var input: SentencePairs

        func run() throws {
            let metric = CommandLine.arguments.first { ["wer", "cer", "mer", "wil"].contains($0) } ?? "wer"
            let (refs, hyps) = try input.load()
            let characters = metric == "cer"
            let parts: [ErrorRates] = inParallel(refs.count) { (range: Range<Int>) -> ErrorRates in
                if characters { return ErrorRates.characters(references: refs[range], hypotheses: hyps[range]) }
                return ErrorRates.words(references: refs[range], hypotheses: hyps[range])
            }
            let rates = parts.reduce(ErrorRates(), +)
            let value: Double
            switch metric {
            case "mer": value = rates.matchErrorRate
            case "wil": value = rates.informationLost
            default: value = rates.errorRate
            }
            let unit = characters ? "characters" : "words"
            let fields: [(String, String)] = [
                (metric, jsonNumber(value)), ("hits", String(rates.counts.hits)), ("substitutions", String(rates.counts.substitutions)),
                ("deletions", String(rates.counts.deletions)), ("insertions", String(rates.counts.insertions)),
                ("reference_\(unit)", String(rates.referenceUnits)), ("hypothesis_\(unit)", String(rates.hypothesisUnits)),
            ]
            print("{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
    }
}

extension MetricsCommand {
    /// chrF and chrF++.
    struct CharacterF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "chrf",
            abstract: "chrF as sacrebleu computes it by default (character order 6, beta 2); --word-order 2 gives chrF++.")

        @OptionGroup var input: SentencePairs

        @Option(help: "Character n-gram order (1 to 6).")
        var charOrder = 6

        @Option(help: "Word n-gram order (0 to 6); 2 is chrF++.")
        var wordOrder = 0

        @Option(help: "Weight of recall against precision.")
        var beta = 2

        func validate() throws {
            guard (1...ChrF.maximumOrder).contains(charOrder) else { throw ValidationError("--char-order must be between 1 and \(ChrF.maximumOrder)") }
            guard (0...ChrF.maximumOrder).contains(wordOrder) else { throw ValidationError("--word-order must be between 0 and \(ChrF.maximumOrder)") }
            guard beta >= 0 else { throw ValidationError("--beta must not be negative") }
        }

        func run() throws {
            let (refs, hyps) = try input.load()
            let chrf = ChrF(charOrder: charOrder, wordOrder: wordOrder, beta: beta)
            let parts = inParallel(refs.count) { chrf.statistics(references: refs[$0], hypotheses: hyps[$0]) }
            let score = chrf.score(parts.dropFirst().reduce(parts[0], +))
            print("{\"beta\":\(beta),\"char_order\":\(charOrder),\"chrf\":\(jsonNumber(score)),\"word_order\":\(wordOrder)}")
        }
    }
}

extension MetricsCommand {
    struct BLEUScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bleu",
            abstract: "BLEU as sacrebleu computes it by default (13a tokeniser, exponential smoothing).")

        @OptionGroup var input: SentencePairs

        func run() throws {
            let (refs, hyps) = try input.load()
            let bleu = BLEU()
            let parts = inParallel(refs.count) { bleu.statistics(references: refs[$0], hypotheses: hyps[$0]) }
            let s = parts.dropFirst().reduce(parts[0], +)
            let fields: [(String, String)] = [
                ("bleu", jsonNumber(bleu.score(s))), ("counts", "[" + s.correct.map(String.init).joined(separator: ",") + "]"),
                ("totals", "[" + s.total.map(String.init).joined(separator: ",") + "]"),
                ("hyp_len", String(s.hypothesisLength)), ("ref_len", String(s.referenceLength)),
            ]
            print("{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
    }
}

extension KrippendorffAlpha.Level: ExpressibleByArgument {}

extension MetricsCommand {
    struct Alpha: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alpha",
            abstract: "Krippendorff's alpha as the krippendorff Python package computes it.",
            discussion: "FILE is RFC 4180 CSV without a header row: one row per coder, one column per unit, an empty cell for a missing value; numbers, or categories for the nominal level.")

        @Option(help: "The level of measurement: nominal, ordinal, interval or ratio.")
        var level: KrippendorffAlpha.Level

        @Argument(help: ArgumentHelp("The reliability data.", valueName: "file.csv"))
        var file: String

        func run() throws {
            let data = try ReliabilityCSV.read(file)
            do {
                let alpha = try KrippendorffAlpha.alpha(data, level: level)
                print("{\"alpha\":\(jsonNumber(alpha)),\"coders\":\(data.count),\"level\":\"\(level.rawValue)\",\"units\":\(data.first?.count ?? 0)}")
            } catch let error as AgreementError {
                throw CLIError("\(file): \(error)")
            }
        }
    }

    struct KappaScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kappa",
            abstract: "Cohen's kappa for two coders, Fleiss' kappa for more, on categories.",
            discussion: "FILE is CSV as for alpha. Cohen's kappa uses the units both coders coded; Fleiss' kappa needs every unit coded by every coder.")

        @Argument(help: ArgumentHelp("The reliability data.", valueName: "file.csv"))
        var file: String

        func run() throws {
            let data = try ReliabilityCSV.read(file)
            do {
                if data.count == 2 {
                    let k = try Kappa.cohen(data[0], data[1])
                    print("{\"coders\":2,\"kappa\":\(jsonNumber(k)),\"method\":\"cohen\",\"units\":\(data[0].count)}")
                } else if data.count > 2 {
                    let k = try Kappa.fleiss(data)
                    print("{\"coders\":\(data.count),\"kappa\":\(jsonNumber(k)),\"method\":\"fleiss\",\"units\":\(data[0].count)}")
                } else {
                    throw CLIError("\(file): kappa needs two or more coders (rows); the file has one")
                }
            } catch let error as AgreementError {
                throw CLIError("\(file): \(error)")
            }
        }
    }
}

/// The reference and hypothesis files every sentence metric reads, and `--normalize`.
struct SentencePairs: ParsableArguments {
    @Argument(help: ArgumentHelp("The reference sentences.", valueName: "ref"))
    var reference: String

    @Argument(help: ArgumentHelp("The hypothesis sentences.", valueName: "hyp"))
    var hypothesis: String

    @OptionGroup var normalization: NormalizationOptions

    /// Both files' lines, normalised when asked.
    func load() throws -> ([String], [String]) { try normalization.apply(SentenceFiles.pair(reference, hypothesis)) }
}

/// `--normalize`: Chorus's comparison normalisation instead of the reference tools' raw text.
struct NormalizationOptions: ParsableArguments {
    @Flag(help: "Compare under Chorus's agreement normalisation (NFC, case folded, punctuation and tags removed, white space collapsed) instead of the reference tools' raw text.")
    var normalize = false

    @Option(help: ArgumentHelp("With --normalize: the texts' language; Chinese, Japanese, Thai and other languages written without spaces are scored per character.", valueName: "lang"))
    var language: String?

    @Option(help: ArgumentHelp("With --normalize: the non-speech tags to remove, comma-separated (default: a project's default tags).", valueName: "tags"))
    var tags: String?

    func validate() throws {
        if !normalize && (language != nil || tags != nil) { throw ValidationError("--language and --tags go with --normalize") }
    }

    func apply(_ pair: ([String], [String])) -> ([String], [String]) {
        guard normalize else { return pair }
        let list = tags.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? ProjectConfig.defaultTags
        let n = ComparisonNormalization(language: language, tags: list)
        return (pair.0.map(n.apply), pair.1.map(n.apply))
    }
}

/// `body` over contiguous parts of `0..<count`, one per core. Sentence pairs are scored
/// independently and their counts add up, so the result does not depend on the split.
func inParallel<T>(_ count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
    Parallel.parts(count, pieces: min(Parallel.cores, count / 1000), body)
}

/// A double as JSON: the shortest text that reads back as the same number.
func jsonNumber(_ x: Double) -> String {
    x.isFinite ? (x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)") : "null"
}

/// Sentence files for the metrics: UTF-8, lines split on \n only.
enum SentenceFiles {
    /// The lines of a file; a final newline does not start another line.
    /// - Throws: ``CLIError`` naming the file (and line) when it cannot be read, is not UTF-8 or is empty.
    static func lines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read the file")
        }
        guard !data.isEmpty else { throw CLIError("\(path): the file is empty") }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        var out: [String] = []
        for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            guard let text = String(validating: line, as: UTF8.self) else {
                throw CLIError("\(path):\(n + 1): not valid UTF-8")
            }
            out.append(text)
        }
        return out
    }

    /// Both files' lines, which must be as many.
    static func pair(_ a: String, _ b: String) throws -> ([String], [String]) {
        let x = try lines(a), y = try lines(b)
        guard x.count == y.count else {
            throw CLIError("\(a) has \(x.count) lines but \(b) has \(y.count); each line of one pairs with the same line of the other")
        }
        return (x, y)
    }
}
