@testable import ChorusMetrics
import Foundation
import RealModule
import Testing
import TestSupport

@Suite struct ErrorRateTests {
    @Test func handCountedWordErrors() {
        // "ya" → "za" is one substitution; "ni" deleted and "sana" inserted, or two
        // substitutions: RapidFuzz (and so jiwer) takes the two substitutions.
        let r = ErrorRates.words(references: ["habari ya asubuhi", "mimi ni mwalimu"], hypotheses: ["habari za asubuhi", "mimi mwalimu sana"])
        #expect(r.counts == EditCounts(hits: 3, substitutions: 3, deletions: 0, insertions: 0))
        #expect(r.errorRate == 0.5)
        #expect(r.matchErrorRate == 0.5)
        #expect(r.informationLost == 0.75)
    }

    @Test func codePointsNotGraphemes() {
        // "café" precomposed and decomposed are different words and different characters to
        // the reference tools, though Swift's String calls them equal.
        let w = ErrorRates.words(references: ["café"], hypotheses: ["cafe\u{301}"])
        #expect(w.counts.substitutions == 1)
        let c = ErrorRates.characters(references: ["café"], hypotheses: ["cafe\u{301}"])
        #expect(c.referenceUnits == 4 && c.hypothesisUnits == 5)
        #expect(c.counts == EditCounts(hits: 3, substitutions: 1, deletions: 0, insertions: 1))
    }

    @Test func whiteSpaceAsJiwerSeesIt() {
        #expect(TextUnits.jiwerWords("  a  b\tc \u{3000}d ").map { String(decoding: $0.map { UInt8($0) }, as: UTF8.self) } == ["a", "b\tc", "d"])
        #expect(TextUnits.jiwerCharacters(" a b ").count == 3)
    }

    @Test func emptyReferencesFollowJiwersConvention() {
        let r = ErrorRates.words(references: ["", ""], hypotheses: ["a b", ""])
        #expect(r.errorRate == 2)  // the number of insertions
        #expect(r.matchErrorRate == 1)
        #expect(ErrorRates.words(references: [""], hypotheses: [""]).errorRate == 0)
    }

    @Test func longUnrelatedLinesAreSplitAndStillMinimal() {
        var rng = SplitMix(seed: 3)
        let letters: [Character] = ["a", "b", "c", " "]
        // Large enough (2,100 × 2,000) to be split in two, as RapidFuzz does.
        let a = "x" + String((0..<2100).map { _ in letters[Int(rng.next() % 4)] }) + "x"
        let b = "y" + String((0..<2000).map { _ in letters[Int(rng.next() % 4)] }) + "y"
        let r = ErrorRates.characters(references: [a], hypotheses: [b])
        // The edit count is the Levenshtein distance whichever script is chosen.
        #expect(r.counts.errors == plainDistance(Array(a.unicodeScalars), Array(b.unicodeScalars)))
        #expect(r.counts.hits + r.counts.substitutions + r.counts.deletions == 2102)
        #expect(r.counts.hits + r.counts.substitutions + r.counts.insertions == 2002)
    }

    func plainDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        var row = Array(0...a.count)
        for (j, y) in b.enumerated() {
            var diagonal = row[0]
            row[0] = j + 1
            for i in 1...a.count {
                let up = row[i]
                row[i] = min(up + 1, row[i - 1] + 1, diagonal + (a[i - 1] == y ? 0 : 1))
                diagonal = up
            }
        }
        return row[a.count]
    }
}

/// The metrics against the reference packages themselves (jiwer with RapidFuzz, sacrebleu, krippendorff), run from
/// the interop virtual environment `make test` prepares (`CHORUS_TEST_PYTHON`).
@Suite struct MetricsInteropTests {
    static var python: String? {
        let env = ProcessInfo.processInfo.environment
        if let p = env["CHORUS_TEST_PYTHON"], !p.isEmpty { return p }
        return nil
    }

    static let script = Fixtures.packageRoot + "/Tests/ChorusMetricsTests/Interop/reference.py"

    static func run(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestSetupError("\(argv.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: ["wer", "cer", "mer", "wil", "chrf", "chrf++", "bleu", "alpha-nominal", "alpha-ordinal", "alpha-interval", "alpha-ratio"], [11, 12])
    func sameNumbersAsTheReferencePackages(metric: String, seed: Int) throws {
        guard let python = Self.python else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_PYTHON is not set under CI: run through `make test`") }
            return
        }
        let dir = try Fixtures.scratch("chorus-metrics")
        _ = try Self.run([python, Self.script, "generate", dir, String(seed)])
        let expected: String, ours: ChorusRun
        if metric.hasPrefix("alpha-") {
            let level = String(metric.dropFirst(6)), csv = dir + "/\(level).csv"
            expected = try Self.run([python, Self.script, "alpha", level, csv])
            ours = try ChorusProcess.run(["metrics", "alpha", "--level", level, csv])
        } else {
            expected = try Self.run([python, Self.script, "score", metric, dir + "/ref.txt", dir + "/hyp.txt"])
            let command = metric == "chrf++" ? ["chrf", "--word-order", "2"] : [metric]
            ours = try ChorusProcess.run(["metrics"] + command + [dir + "/ref.txt", dir + "/hyp.txt"])
        }
        #expect(ours.status == 0)
        let a = try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any] ?? [:]
        let b = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(Set(a.keys) == Set(b.keys))
        func numbers(_ v: Any?) -> [Double] {
            if let list = v as? [NSNumber] { return list.map(\.doubleValue) }
            return [(v as? NSNumber)?.doubleValue ?? .nan]
        }
        for (key, value) in a {
            if let text = value as? String {
                #expect(b[key] as? String == text)
                continue
            }
            let x = numbers(value), y = numbers(b[key])
            #expect(x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(metric) \(key): reference \(x), chorus \(y)")
        }
    }
}

@Suite struct ChrFTests {
    @Test func identicalTextScoresOneHundredAndDisjointZero() {
        #expect(ChrF().score(references: ["habari ya asubuhi"], hypotheses: ["habari ya asubuhi"]).score == 100)
        #expect(ChrF().score(references: ["abc"], hypotheses: ["xyz"]).score == 0)
    }

    @Test func handCountedCharacterNGrams() {
        // "ab" vs "abc", white space ignored: unigrams 2 of 3 hypothesis and 2 of 2 reference
        // match, bigrams 1 of 2 and 1 of 1; orders 3-6 have no reference n-grams.
        let (score, stats) = ChrF().score(references: ["a b"], hypotheses: ["abc"])
        #expect(stats.hypothesis.prefix(3) == [3, 2, 0])
        #expect(stats.reference.prefix(2) == [2, 1])
        #expect(stats.matches.prefix(2) == [2, 1])
        let p = (2.0 / 3 + 1.0 / 2) / 2, r = 1.0
        #expect(abs(score - 100 * 5 * p * r / (4 * p + r)) < 1e-12)
    }

    @Test func punctuationIsSplitOffWordsForChrFPlusPlus() {
        #expect(ChrF.words("(hi) sana. - e.g.").map { String(decoding: $0.map { UInt8($0) }, as: UTF8.self) } == ["(hi", ")", "sana", ".", "-", "e.g", "."])
    }
}

@Suite struct BLEUTests {
    func tokens(_ line: String) -> [String] { BLEU.tokens(line).map { String(String.UnicodeScalarView($0.compactMap(Unicode.Scalar.init))) } }

    @Test func the13aTokeniserSplitsAsMteval() {
        #expect(tokens("Hello, world! It costs $3.50 (or 1,000-2,000).") == ["Hello", ",", "world", "!", "It", "costs", "$", "3.50", "(", "or", "1,000", "-", "2,000", ")", "."])
        #expect(tokens("a &amp; b &lt;skipped&gt; <skipped>") == ["a", "&", "b", "<", "skipped", ">"])
    }

    @Test func perfectAndEmpty() {
        #expect(abs(BLEU().score(references: ["mvua inanyesha sana leo"], hypotheses: ["mvua inanyesha sana leo"]) - 100) < 1e-9)
        #expect(BLEU().score(references: ["a b c d"], hypotheses: [""]) == 0)
    }

    @Test func handCountedWithSmoothingAndBrevity() {
        // Hypothesis "a b c" against "a b d e": 2/3 unigrams, 1/2 bigrams, 0/1 trigrams
        // (smoothed to 1/(2·1)), no 4-grams (total 0: precision stays 0, log floored).
        let s = BLEU().statistics(references: ["a b d e"], hypotheses: ["a b c"])
        #expect(s.correct == [2, 1, 0, 0] && s.total == [3, 2, 1, 0])
        #expect(s.hypothesisLength == 3 && s.referenceLength == 4)
        let expected = Double.exp(1 - 4.0 / 3) * Double.exp((Double.log(100 * 2.0 / 3) + Double.log(50) + Double.log(50) - 9_999_999_999) / 4)
        #expect(BLEU().score(s) == expected)
    }
}
