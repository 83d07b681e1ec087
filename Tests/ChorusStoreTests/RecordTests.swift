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

@Suite struct MoreRecordTests {
    @Test func annotatorsAndSnapshotRowsRefuseWhatTheyDoNotExpect() throws {
        let person: [String: SQLValue] = [
            "id": .integer(1), "name": .text("amina"), "languages": .text("sw,en"), "pay_model": .text("hour"), "pay_rate": .text("12.50"),
            "credit_name": .null, "avoid_distressing": .integer(1), "terms_seen_at": .null,
        ]
        let a = try Annotator(row: SQLRow(values: person))
        #expect(a.languages.map(\.value) == ["sw", "en"] && a.payModel == .hour && a.avoidDistressing && a.creditName == nil)
        var odd = person
        odd["pay_model"] = .text("weekly")
        #expect { try Annotator(row: SQLRow(values: odd)) } throws: { "\($0)".contains("pay model 'weekly'") }
        odd = person
        odd["avoid_distressing"] = nil
        #expect { try Annotator(row: SQLRow(values: odd)) } throws: { "\($0)".contains("no column 'avoid_distressing'") }
        #expect {
            try ProjectSnapshot.Skip(row: SQLRow(values: ["segment_id": .integer(1), "name": .text("amina"), "reason": .text("bored")]))
        } throws: { "\($0)".contains("'bored'") }
        #expect(try ProjectSnapshot.Segment(row: SQLRow(values: [
            "id": .integer(3), "recording_id": .integer(1), "start": .real(1), "end": .real(2.5), "content_warning": .integer(0),
            "speaker": .text("Amina"), "speaker_source": .text("rttm"),
        ])) == ProjectSnapshot.Segment(id: 3, recordingID: 1, start: 1, end: 2.5, speaker: "Amina", speakerSource: "rttm"))
    }
}

/// The columns named in code are the columns the migrations make, both ways: a column added to
/// a migration and not to its table's enum (or misspelt in either) fails here.
@Suite struct SchemaColumnTests {
    @Test(arguments: Engine.testable) func everyTablesColumnsAreNamedOnceAndMatchTheSchema(engine: Engine) throws {
        let s = try Scenario(engine)
        let database = s.project.store.database
        func names(_ table: String) throws -> Set<String> {
            try database.read { c in
                let sql = database.dialect == .sqlite
                    ? "SELECT name FROM pragma_table_info(?)"
                    : "SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema()"
                return Set(try c.query(sql, [.text(table)]).compactMap { $0["name"].string })
            }
        }
        var tables: Set<String> = []
        for columns in Table.all {
            tables.insert(columns.table)
            let named = Set(columns.names)
            let schema = try names(columns.table)
            #expect(named == schema, "\(columns.table): only in code \(named.subtracting(schema).sorted()), only in the schema \(schema.subtracting(named).sorted())")
        }
        let stored: Set<String> = try database.read { c in
            let sql = database.dialect == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
            return Set(try c.query(sql).compactMap { $0["name"].string })
        }
        #expect(stored == tables, "tables without named columns: \(stored.subtracting(tables).sorted())")
    }
}
