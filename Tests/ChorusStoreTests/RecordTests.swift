@testable import ChorusStore
import Foundation
import Testing
import TestSupport

/// Records read their columns by name, once, and a missing or mistyped column is an error.
@Suite struct RecordTests {
    static func row(_ change: (inout [String: SQLValue]) -> Void = { _ in }) -> SQLRow {
        var values: [String: SQLValue] = [
            "id": .integer(7), "sha256": .text("ab"), "path": .text("/a.flac"), "duration": .real(12.5), "sample_rate": .integer(16_000),
            "channels": .integer(2), "container": .text("FLAC"), "encoding": .text("PCM 16"), "speaker": .text(""), "metadata": .text("{}"),
            "segmenter": .text("{}"), "size_bytes": .null, "modified_at": .real(1.5),
        ]
        change(&values)
        return SQLRow(values: values)
    }

    @Test func aRecordingRowDecodesAndRefusesWhatItDoesNotExpect() throws {
        let r = try RecordingRecord(row: Self.row())
        #expect(r.id == 7 && r.duration == 12.5 && r.channels == 2 && r.sizeBytes == nil && r.modifiedAt == 1.5)
        #expect(r.speaker == nil, "an empty speaker is no speaker")
        #expect { try RecordingRecord(row: Self.row { $0["sample_rate"] = nil }) } throws: { "\($0)".contains("no column 'sample_rate'") }
        #expect { try RecordingRecord(row: Self.row { $0["duration"] = .text("long") }) } throws: { "\($0)".contains("'duration' does not hold a number") }
        #expect { try RecordingRecord(row: Self.row { $0["path"] = .null }) } throws: { "\($0)".contains("'path' does not hold text") }
    }

    @Test(arguments: Engine.testable) func theStoreAndTheSnapshotReadTheSameRecord(engine: Engine) throws {
        let s = try Scenario(engine)
        let stored = try s.project.store.recordings()
        let snapshot = try s.project.store.snapshot(config: s.project.config).recordings
        #expect(stored == snapshot && stored.count == 1)
        #expect(try s.project.store.recording(sha256: "r1") == stored.first)
    }
}
