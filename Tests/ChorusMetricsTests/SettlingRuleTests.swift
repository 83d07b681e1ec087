import ChorusMetrics
import Testing

@Suite struct SettlingRuleTests {
    @Test func settlingTakesTheMedoidOfAgreeingTextsWithinTheThreshold() {
        let rule = SettlingRule(threshold: 0.05, normalization: ComparisonNormalization(tags: ["[noise]"]))
        #expect(rule.settle(["Habari, za   Asubuhi!", "habari za asubuhi [noise]"])?.text == "Habari, za   Asubuhi!")
        #expect(rule.settle(["Cafe\u{301} ya leo", "café ya leo"])?.agreement == 1)
        // One letter in 19: 5.3 %, over the threshold.
        #expect(rule.settle(["Leo ni siku ya soko", "Leo si siku ya soko"]) == nil)
        // Three texts: two agree, the odd one out does not stop them; the medoid is the one
        // nearest to all.
        let three = ["mvua inanyesha sokoni leo", "mvua inanyesha sokoni leo.", "jua linawaka"]
        #expect(rule.settle(three)?.text == "mvua inanyesha sokoni leo")
        #expect(rule.settle(["mmoja"])?.text == "mmoja")
        #expect(SettlingRule(threshold: 0.1, normalization: ComparisonNormalization()).settle(["Leo ni siku ya soko", "Leo si siku ya soko"]) != nil)
    }

    @Test func threeDisagreeingTranscriptsSettleByAWordVoteWhenEachWordHasAMajority() {
        let rule = SettlingRule(threshold: 0.05, normalization: ComparisonNormalization())
        // No two within 5 %, but every word (and every gap) has two votes of three; the
        // consensus is none of the three.
        let texts = ["Mvua kubwa inanyesha soko leo", "mvua ndogo inanyesha sokoni leo", "mvua kubwa inanyesha sokoni jana"]
        let settled = rule.settle(texts)
        #expect(settled?.method == .consensus)
        #expect(settled?.text == "Mvua kubwa inanyesha sokoni leo")
        #expect(abs((settled?.agreement ?? 0) - (3 + 2 + 3 + 2 + 2) / 15.0) < 1e-12)
        // An inserted word only one person heard is voted out.
        #expect(rule.settle(["mvua kubwa inanyesha sokoni leo", "mvua inanyesha sokoni leo asubuhi", "mvua kubwa inanyesha soko leo"])?.text
            == "mvua kubwa inanyesha sokoni leo")
        // No majority anywhere: review.
        #expect(rule.settle(["jua linawaka", "mvua inanyesha", "upepo unavuma"]) == nil)
        // Two transcripts never vote.
        #expect(rule.settle(["Mvua kubwa inanyesha soko leo", "mvua ndogo inanyesha sokoni leo"]) == nil)
    }
}
