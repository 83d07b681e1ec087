@testable import ChorusSegmentation
import Foundation
import Testing
import TestSupport

@Suite struct RollingPercentilesTests {
    @Test func matchesASortedWindowThroughInsertsAndRemovals() {
        var rng = SplitMix(seed: 3)
        let quantiles = [0.05, 0.1, 0.25, 0.5, 0.95]
        var rolling = RollingPercentiles(quantiles: quantiles)
        var window: [Float] = []
        for step in 0..<5000 {
            // Drifting levels with jumps, like a noise floor that changes.
            let drift: Double = 20 * sin(Double(step) / 300)
            let value = Float(-60 + drift + 8 * rng.gaussian()).rounded(.down)
            rolling.insert(value)
            window.append(value)
            if window.count > 301 { rolling.remove(window.removeFirst()) }
            let sorted = window.sorted()
            for (i, q) in quantiles.enumerated() {
                let rank = Int((q * Double(sorted.count - 1)).rounded())
                let want = RollingPercentiles.value(ofBin: RollingPercentiles.bin(of: sorted[rank]))
                #expect(rolling.value(at: i) == want)
            }
        }
    }
}
