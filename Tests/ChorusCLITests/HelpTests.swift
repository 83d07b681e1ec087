import Foundation
import Testing
import TestSupport

/// `--help` of the commands people read most, byte for byte. Regenerate on purpose with
/// `CHORUS_UPDATE_GOLDEN=1 make test`.
@Suite struct HelpTests {
    @Test(arguments: ["segment", "transcribe", "translate", "review"])
    func helpMatchesTheGoldenFile(command: String) throws {
        let golden = Fixtures.packageRoot + "/Tests/ChorusCLITests/Golden/\(command)-help.txt"
        let run = try ChorusProcess.run([command, "--help"])
        #expect(run.status == 0)
        if ProcessInfo.processInfo.environment["CHORUS_UPDATE_GOLDEN"] == "1" {
            try run.stdout.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        #expect(run.stdout == (try String(contentsOfFile: golden, encoding: .utf8)))
        #expect(run.stdout.contains("Examples:"))
    }
}
