@testable import ChorusTerminal
import Testing

@Suite struct WordDiffTests {
    @Test func marksTheWordsOutsideTheCommonSubsequence() {
        let marked = WordDiff.mark(["habari ya asubuhi rafiki", "Habari za asubuhi, rafiki yangu"])
        #expect(marked[0].filter(\.differs).map(\.word) == ["ya"])
        #expect(marked[1].filter(\.differs).map(\.word) == ["za", "yangu"])
    }

    @Test func aWordMissingFromAnyOtherVersionIsMarked() {
        let marked = WordDiff.mark(["a b c", "a b c", "a x c"])
        #expect(marked[0].filter(\.differs).map(\.word) == ["b"])
        #expect(marked[2].filter(\.differs).map(\.word) == ["x"])
        #expect(WordDiff.mark(["only one"])[0].allSatisfy { !$0.differs })
    }
}

@Suite struct ActiveClockTests {
    @Test func gapsLongerThanAMinuteAreNotWork() {
        var clock = ActiveClock()
        clock.event(at: 100)
        clock.event(at: 110)  // 10 s
        clock.event(at: 170)  // 60 s: still work
        clock.event(at: 300)  // 130 s away: not counted
        clock.event(at: 305)  // 5 s
        #expect(clock.seconds == 75)
    }

    @Test func carriesTimeAcrossSittingsAndStopsAtAPause() {
        var clock = ActiveClock(carried: 42)
        clock.event(at: 0)
        clock.pause(at: 8)
        clock.event(at: 1000)  // back after a break: the break is not counted
        clock.event(at: 1003)
        #expect(clock.seconds == 53)
    }
}

@Suite struct WaveformTests {
    @Test func aQuietClipShowsItsShapeFromTheLowestBlockToTheHighest() {
        // Speech peaking between -40 and -26 dBFS: on a fixed -60..0 scale it was ▃ to ▄ only.
        let peaks: [Double] = [-40, -38, -30, -26, -33, -40, -27]
        let levels = SessionScreen.levels(peaks)
        #expect(levels.min() == 0 && levels.max() == 7, "\(levels)")
        #expect(levels[3] == 7 && levels[2] > levels[1])
        // A steady tone stays flat instead of filling the strip: the range is at least 12 dB.
        #expect(Set(SessionScreen.levels([-20, -20.5, -20])).count <= 2)
    }
}
