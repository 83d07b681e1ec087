import Foundation
import Testing
import TestSupport

/// The API fuzzed from its own OpenAPI document by schemathesis (from the interop virtual
/// environment `make test` prepares): every operation, examples, coverage, fuzzing and
/// stateful phases, all checks: no 5xx, no crash, no answer that breaks the document, 405 for
/// methods a path does not take. One check is left out: the store refuses some requests the
/// schema cannot describe (active seconds beyond the lease, an unknown tag, a second appeal),
/// with 422, which schemathesis counts as a schema-valid request rejected.
@Suite struct APIFuzzTests {
    @Test func schemathesisFindsNothingWrongWithTheAPI() throws {
        guard let python = ProcessInfo.processInfo.environment["CHORUS_TEST_PYTHON"], !python.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_PYTHON is not set under CI: run through `make test`") }
            return
        }
        let schemathesis = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        let team = try TeamProject(.sqlite)
        let server = try ServeProcess(project: team.folder, logs: team.logs, arguments: ["--rate-limit", "10000"])
        let token = try team.token("amina", url: server.url)
        let report = team.logs + "/schemathesis.txt"
        // Run in the test's folder: schemathesis keeps a cache where it runs.
        let arguments = [
            schemathesis, "run", server.url + "/v1/openapi.yaml", "-H", "Authorization: Bearer \(token)", "--checks", "all",
            "--exclude-checks", "positive_data_acceptance", "--max-examples", "30", "--generation-deterministic", "--workers", "1",
        ].map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = try Spawn.run(["sh", "-c", "cd '\(team.logs)' && exec \(arguments)"], output: report)
        let output = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        #expect(status == 0, "schemathesis: \(output.suffix(4000))")
        #expect(output.contains("Tested: 26"), "every operation was tested: \(output.suffix(1500))")
        let log = server.daemon.stderr
        #expect(!log.contains("\"level\":\"error\""), "no 5xx: \(log.split(separator: "\n").filter { $0.contains("\"level\":\"error\"") }.prefix(3))")
        #expect(server.daemon.wait(seconds: 0) == nil, "the server is still up")
    }

    @Test func aMethodAPathDoesNotTakeIs405WithAllow() throws {
        // A path in the table answers; a method it does not take is 405 with Allow.
        let team = try TeamProject(.sqlite, people: [])
        let server = try ServeProcess(project: team.folder, logs: team.logs)
        let wrong = try HTTP.request("DELETE", server.url + "/v1/health")
        #expect(wrong.status == 405 && wrong.headers.contains("Allow: GET"))
        #expect(try HTTP.request("DELETE", server.url + "/v1/tasks/5/submit").status == 405)
        #expect(try HTTP.request("GET", server.url + "/v1/nothing").status == 404)
    }
}
