@testable import ChorusStore
import Foundation
import Testing
import TestSupport
import WorkContract

/// What every ``WorkBackend`` must do, whatever carries the calls: written against the
/// protocol, run here on the local backend over both engines.
@Suite struct WorkBackendContractTests {
    @Test(arguments: Engine.testable) func theLocalBackendKeepsTheContract(engine: Engine) throws {
        let s = try Scenario(engine, people: ["amina", "baraka"])
        try WorkBackendContract.check(LocalWorkBackend(project: s.project, annotator: "amina"), LocalWorkBackend(project: s.project, annotator: "baraka"))
    }
}
