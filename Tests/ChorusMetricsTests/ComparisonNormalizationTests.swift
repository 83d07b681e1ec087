import ChorusMetrics
import Testing

@Suite struct ComparisonNormalizationTests {
    @Test func foldsCaseAccentsFormPunctuationSpaceAndTags() {
        let n = ComparisonNormalization(tags: ["[noise]", "[laugh]"])
        #expect(n.apply("  Habari,   ZA [noise] Asubuhi!  ") == "habari za asubuhi")
        #expect(n.apply("Cafe\u{301} [LAUGH]") == n.apply("café"))
        #expect(n.apply("[cough] ndiyo") == "cough ndiyo", "a bracketed word that is not a tag keeps its letters")
        #expect(n.apply("habari [0:12.4] za leo [12:05.0]") == "habari za leo", "play-time stamps are never speech")
    }

    @Test func unspacedLanguagesAreScoredPerCharacter() {
        #expect(ComparisonNormalization(language: "ja", tags: []).apply("東京は、晴れ。") == "東 京 は 晴 れ")
        #expect(ComparisonNormalization(language: "zh-Hant-TW", tags: []).perCharacter)
        #expect(!ComparisonNormalization(language: "sw", tags: []).perCharacter)
        #expect(ComparisonNormalization(language: "th", tags: []).apply("สวัสดี ครับ").split(separator: " ").count == "สวัสดีครับ".count)
    }
}
