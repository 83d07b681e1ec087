import ChorusMetrics
import Foundation
import Testing
import TestSupport

@Suite struct AgreementTests {
    /// Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the worked example:
    /// four coders, twelve units, missing values.
    static let example: [[CodedValue?]] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
        [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
    ].map { $0.map { $0.map { CodedValue.number(Double($0)) } } }

    @Test func thePublishedWorkedExample() throws {
        #expect(abs(try KrippendorffAlpha.alpha(Self.example, level: .nominal) - 0.743) < 0.0005)
        #expect(abs(try KrippendorffAlpha.alpha(Self.example, level: .interval) - 0.849) < 0.0005)
    }

    @Test func perfectAgreementIsOneAndNoVariationIsRefused() throws {
        let same: [[CodedValue?]] = [[.category("a"), .category("b")], [.category("a"), .category("b")]]
        #expect(try KrippendorffAlpha.alpha(same, level: .nominal) == 1)
        #expect(throws: AgreementError.self) { try KrippendorffAlpha.alpha([[.number(1), .number(1)], [.number(1), .number(1)]], level: .interval) }
        #expect(throws: AgreementError.self) { try KrippendorffAlpha.alpha([[.number(1), nil], [nil, .number(2)]], level: .interval) }
        #expect(throws: AgreementError.self) { try KrippendorffAlpha.alpha(same, level: .interval) }
    }

    @Test func cohenByHand() throws {
        let a: [CodedValue?] = ["y", "y", "n", "n", "y"].map { .category($0) }
        let b: [CodedValue?] = ["y", "n", "n", "n", "y"].map { .category($0) }
        // p_o = 0.8; p_e = 0.6·0.4 + 0.4·0.6 = 0.48.
        #expect(abs(try Kappa.cohen(a, b) - (0.8 - 0.48) / 0.52) < 1e-12)
    }

    @Test func fleissByHand() throws {
        let rows: [[String]] = [["a", "a", "b", "a"], ["a", "a", "b", "b"], ["a", "b", "b", "b"]]
        // Units (3,0) (2,1) (0,3) (1,2): P̄ = 2/3, P_e = 1/2, kappa = 1/3.
        #expect(abs(try Kappa.fleiss(rows.map { $0.map { .category($0) } }) - 1.0 / 3) < 1e-12)
        #expect(throws: AgreementError.self) { try Kappa.fleiss([[.category("a"), nil], [.category("a"), .category("b")], [.category("b"), .category("b")]]) }
    }
}

@Suite struct MetricsCommandTests {
    func write(_ text: String, _ name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func badInputGetsOneLineNamingTheFile() throws {
        let dir = try Fixtures.scratch("chorus-metrics-cli")
        let ref = try write("a b\nc d\n", "ref.txt", in: dir), short = try write("a b\n", "short.txt", in: dir)
        let empty = try write("", "empty.txt", in: dir)
        let mismatch = try ChorusProcess.run(["metrics", "wer", ref, short])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr == "chorus: error: \(ref) has 2 lines but \(short) has 1; each line of one pairs with the same line of the other\n")
        #expect(try ChorusProcess.run(["metrics", "cer", ref, empty]).stderr == "chorus: error: \(empty): the file is empty\n")
        let latin1 = dir + "/latin1.txt"
        try Data("a b\nc\u{E9}d\n".data(using: .isoLatin1)!).write(to: URL(fileURLWithPath: latin1))
        #expect(try ChorusProcess.run(["metrics", "chrf", ref, latin1]).stderr == "chorus: error: \(latin1):2: not valid UTF-8\n")
        let ragged = try write("1,2,3\n1,2\n", "ragged.csv", in: dir)
        #expect(try ChorusProcess.run(["metrics", "alpha", "--level", "nominal", ragged]).stderr
            == "chorus: error: \(ragged):2: 2 cells, but the first row has 3; every coder's row needs one cell per unit\n")
        let flat = try write("1,1,1\n1,,1\n", "flat.csv", in: dir)
        #expect(try ChorusProcess.run(["metrics", "alpha", "--level", "interval", flat]).stderr.contains("without variation"))
        let words = try write("a,b\nb,\"a,\"\"b\"\"\"\n", "quoted.csv", in: dir)
        #expect(try ChorusProcess.run(["metrics", "alpha", "--level", "ordinal", words]).stderr.contains("needs numbers"))
    }

    @Test func aFinalNewlineDoesNotStartALine() throws {
        let dir = try Fixtures.scratch("chorus-metrics-cli")
        let a = try write("x y\n\n", "a.txt", in: dir), b = try write("x y\nz", "b.txt", in: dir)
        let run = try ChorusProcess.run(["metrics", "wer", a, b])
        // Two lines each: "x y" / "x y" and "" / "z": one insertion against two reference words.
        #expect(run.stdout == "{\"deletions\":0,\"hits\":2,\"hypothesis_words\":3,\"insertions\":1,\"reference_words\":2,\"substitutions\":0,\"wer\":0.5}\n")
    }
}

@Suite struct NormalizeOptionTests {
    @Test func normalizeAppliesChorussComparisonRules() throws {
        let dir = try Fixtures.scratch("chorus-metrics-cli")
        let a = dir + "/a.txt", b = dir + "/b.txt"
        try "Habari, za [noise] asubuhi!\n東京は晴れです。\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "habari za asubuhi\n東京は雨です\n".write(toFile: b, atomically: true, encoding: .utf8)
        let raw = try ChorusProcess.run(["metrics", "wer", a, b])
        #expect(raw.stdout.contains("\"wer\":0.8"))
        let normalized = try ChorusProcess.run(["metrics", "wer", "--normalize", a, b])
        #expect(normalized.stdout.contains("\"wer\":0.25"))
        let japanese = try ChorusProcess.run(["metrics", "wer", "--normalize", "--language", "ja", a, b])
        #expect(japanese.stdout.contains("\"reference_words\":22"))
        #expect(try ChorusProcess.run(["metrics", "wer", "--language", "ja", a, b]).status != 0)
    }
}
