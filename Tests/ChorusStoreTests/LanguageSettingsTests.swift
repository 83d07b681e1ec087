import ChorusMetrics
@testable import ChorusStore
import Testing

@Suite struct LanguageSettingsTests {
    @Test func aProjectOverridesNormalisationPerLanguage() throws {
        var config = try ProjectConfig(sourceLanguage: LanguageTag("de"), targetLanguages: [LanguageTag("ja")])
        #expect(config.normalization(for: "de").apply("Der Hund, die Katze.") == "der hund die katze")
        #expect(config.normalization(for: "ja").perCharacter)
        #expect(config.speakingRate(for: "de") == 3...30)
        #expect(config.speakingRate(for: "ja") == 1...12)
        config.languages = ["de": LanguageSettings(foldCase: false, removePunctuation: false, speakingRate: 5...25),
                            "ja": LanguageSettings(scoring: .words)]
        #expect(config.normalization(for: "de").apply("Der  Hund, die Katze.") == "Der Hund, die Katze.")
        #expect(config.normalization(for: "de-AT").apply("Der Hund") == "Der Hund", "a primary subtag covers its variants")
        #expect(config.normalization(for: "ja").apply("東京は 晴れ") == "東京は 晴れ")
        #expect(config.speakingRate(for: "de-CH") == 5...25)
        #expect(config.speakingRate(for: "ja") == 3...30, "scored per word, the spaced range applies")
    }
}
