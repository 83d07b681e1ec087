import ChorusStore
import Foundation
import Testing
import TestSupport

/// Negative numbers are values where they make sense, and range errors where they do not.
@Suite struct NumberOptionTests {
    let file = Fixtures.corpus + "/audio/sw-soko.flac"

    @Test func aNegativeDecibelValueIsTakenWithOrWithoutAnEqualsSign() throws {
        let spaced = try ChorusProcess.run(["segment", file, "--dry-run", "--silence-floor", "-60", "--quiet"])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        let joined = try ChorusProcess.run(["segment", file, "--dry-run", "--silence-floor=-60", "--quiet"])
        #expect(spaced.stdout == joined.stdout && !spaced.stdout.isEmpty)
    }

    @Test("out-of-range values get the range, not 'Missing value'", arguments: [
        (["segment", "x.flac", "--dry-run", "--min-silence", "-1"], "min silence must be at least one frame"),
        (["segment", "x.flac", "--dry-run", "--silence-floor", "-300"], "silence floor must be between -200 and 0 dBFS"),
        (["segment", "x.flac", "--dry-run", "--padding", "-0.5"], "padding must not be negative"),
        (["segment", "x.flac", "--dry-run", "--padding", "nan"], "--padding: must be a finite number"),
        (["segment", "x.flac", "--dry-run", "--jobs", "-2"], "--jobs must be at least 1"),
        (["export", "--out", "x", "--sample-rate", "-16000"], "--sample-rate: between 8000 and 192000 Hz"),
        (["init", "x", "--source-lang", "sw", "--redundancy", "-1"], "redundancy must be between 1 and 10"),
    ])
    func rangeErrors(args: [String], message: String) throws {
        let run = try ChorusProcess.run(args)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Missing value"))
    }

    @Test func negativeOrImpossibleActiveSecondsAreRefusedByTheStore() throws {
        let dir = try Fixtures.scratch()
        #expect(try ChorusProcess.run(["init", dir, "--source-lang", "sw", "--pay-model", "hour", "--pay-rate", "10", "--pay-floor", "8"]).status == 0)
        let config = try ProjectConfig.read(path: dir + "/chorus.yaml")
        #expect(config.payModel == .hour && config.payRate == "10")
        #expect(try ChorusProcess.run(["segment", file, "--project", dir]).status == 0)
        #expect(try ChorusProcess.run(["annotators", "add", "amina", "--languages", "sw", "--project", dir]).status == 0)
        let claim = try ChorusProcess.run(["tasks", "claim", "--as", "amina", "--json", "--project", dir])
        let task = try #require((try JSONSerialization.jsonObject(with: Data(claim.stdout.utf8)) as? [String: Any])?["task_id"] as? Int)
        for bad in ["-3600", "nan", "1e12"] {
            let run = try ChorusProcess.run(["tasks", "submit", String(task), "--as", "amina", "--text", "habari", "--active-seconds", bad, "--project", dir])
            #expect(run.status == 1, "\(bad): \(run.stderr)")
            #expect(run.stderr.contains("active seconds for task \(task)"), "\(run.stderr)")
        }
        let ok = try ChorusProcess.run(["tasks", "submit", String(task), "--as", "amina", "--text", "habari", "--active-seconds", "30", "--project", dir])
        #expect(ok.status == 0, "\(ok.stderr)")
        let badModel = try ChorusProcess.run(["init", dir + "/q", "--source-lang", "sw", "--pay-model", "hourly"])
        #expect(badModel.status == 64 && badModel.stderr.contains("--pay-model"))
    }
}
