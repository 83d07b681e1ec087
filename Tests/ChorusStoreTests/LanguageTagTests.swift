import ChorusStore
import Testing

@Suite struct LanguageTagTests {
    static let registry = LanguageRegistry.load()

    @Test("valid tags come back in canonical case", arguments: [
        ("sw", "sw"), ("EN-gb", "en-GB"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"),
        ("yue", "yue"), ("sr-Latn-RS", "sr-Latn-RS"), ("de-CH-1996", "de-CH-1996"),
        ("en-US-x-twain", "en-US-x-twain"), ("x-private", "x-private"), ("en-a-bbb-x-a-ccc", "en-a-bbb-x-a-ccc"),
    ])
    func valid(input: String, canonical: String) throws {
        let tag = try LanguageTag(input, registry: Self.registry)
        #expect(tag.value == canonical)
    }

    @Test("malformed tags are refused with the reason", arguments: [
        "", "e", "english!", "en_GB", "en--GB", "en-GB-", "abcdefghi", "en-a", "de-1996-1996", "en-x", "123",
    ])
    func malformed(input: String) {
        let error = #expect(throws: ProjectError.self) { try LanguageTag(input) }
        #expect(error?.code == .invalidLanguage)
        #expect(error?.message.contains("is not a BCP-47 language tag") == true)
    }

    @Test func registryRefusesCodesThatDoNotExist() throws {
        let registry = try #require(Self.registry, "Debian's iso-codes package must be installed (make test installs it)")
        #expect(throws: ProjectError.self) { try LanguageTag("qq", registry: registry) }
        #expect(throws: ProjectError.self) { try LanguageTag("en-Qqqq", registry: registry) }
        #expect(throws: ProjectError.self) { try LanguageTag("en-QQ", registry: registry) }
        #expect(try LanguageTag("qq") .value == "qq")
    }

    @Test func languagesWrittenWithoutSpaces() throws {
        #expect(try LanguageTag("zh-Hans").writtenWithoutSpaces)
        #expect(try LanguageTag("th").writtenWithoutSpaces)
        #expect(try !LanguageTag("sw").writtenWithoutSpaces)
    }
}

@Suite struct LanguageRegistryTests {
    @Test func looksCodesUpInTheListsWithoutTakingNamesForCodes() throws {
        let registry = try #require(LanguageRegistry.load())
        #expect(registry.isLanguage("sw") && registry.isLanguage("swa") && registry.isLanguage("gsw") && registry.isLanguage("yue"))
        #expect(registry.isLanguage("sgn"), "ISO 639-2 collective codes")
        #expect(!registry.isLanguage("qqq") && !registry.isLanguage("xx") && !registry.isLanguage(""))
        // "Ari" is the name of the language aac, not a code.
        #expect(!registry.isLanguage("Ari"))
        #expect(registry.isScript("Latn") && registry.isScript("Hant") && !registry.isScript("Xyzw"))
        #expect(registry.isRegion("GB") && registry.isRegion("KE") && !registry.isRegion("QQ"))
        #expect(registry.isCurrency("EUR") && registry.isCurrency("KES") && !registry.isCurrency("XYZ"))
        #expect(!registry.isRegion("G\"B"), "only letters and digits are looked up")
    }
}
