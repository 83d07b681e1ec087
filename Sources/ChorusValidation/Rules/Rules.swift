/// Every alignment check, in the order the report lists them. Adding a rule is adding a file
/// and a line here.
public enum Rules {
    public static let all: [any Rule] = [
        TimestampsInRecording(), StartBeforeEnd(), NoOverlap(), DurationLimits(),
        EmptyText(), UnknownTags(), ControlCharacters(), StrayWhitespace(), DuplicateText(),
        SpeakingRate(), DurationOutliers(),
        TranslationPresent(), Untranslated(), WrongScript(), NumbersKept(), LengthRatioOutliers(),
    ]

    /// All findings, rule by rule.
    public static func check(_ context: ValidationContext) -> [Finding] {
        all.flatMap { $0.check(context) }
    }
}
