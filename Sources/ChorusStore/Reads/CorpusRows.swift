import Foundation

/// The three splits a corpus is cut into.
public enum Split: String, Sendable, CaseIterable, Codable, Comparable {
    case train, dev, test

    public static func < (a: Split, b: Split) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// The unit splits are fixed for: a speaker (every segment of theirs, in any recording), or the
/// segments of one recording that have no speaker (an unknown voice, kept together).
public enum SplitGroup {
    /// A segment's group, from its own speaker, else its recording's.
    public static func key(speaker: String?, recording: Int64) -> String {
        speaker.map { "speaker:" + $0 } ?? "recording:\(recording)"
    }
}

/// What an export reads beyond the ``ProjectSnapshot``: who made each settled text, the
/// people, and the splits fixed by earlier exports.
public struct CorpusRows: Sendable {
    public struct Person: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// Set when they consented to be credited, by this name.
        public var creditName: String?
    }

    /// Ids of the people whose counted texts (reviews included) a segment's text in a language
    /// settled from, by segment id and language.
    public var contributors: [Int64: [String: [Int64]]] = [:]
    public var people: [Person] = []
    /// Splits fixed by earlier exports, by ``SplitGroup`` key.
    public var splits: [String: Split] = [:]

    public init() {}
}

extension ProjectStore {
    /// What an export reads besides the snapshot.
    public func corpusRows() throws -> CorpusRows {
        try database.read { c in
            var rows = CorpusRows()
            for row in try c.query("SELECT DISTINCT segment_id, language, annotator_id FROM annotations WHERE counted = 1 ORDER BY segment_id, language, annotator_id") {
                let a = Table.Annotations.self
                rows.contributors[try row.int(a.segmentID), default: [:]][try row.string(a.language), default: []].append(try row.int(a.annotatorID))
            }
            rows.people = try c.query("SELECT id, name, credit_name FROM annotators ORDER BY id").map {
                .init(id: try $0.int(Annotator.Columns.id), name: try $0.string(Annotator.Columns.name),
                      creditName: try $0.optionalString(Annotator.Columns.creditName).flatMap { $0.isEmpty ? nil : $0 })
            }
            rows.splits = try Self.splits(c)
            return rows
        }
    }

    /// Fixes the split of each group (``SplitGroup``) in `assignments` that has none yet, in one
    /// transaction; a split fixed meanwhile by another export wins.
    /// - Returns: every group's split after the change.
    public func fixSplits(_ assignments: [String: Split]) throws -> [String: Split] {
        try database.write { c in
            for (group, split) in assignments.sorted(by: { $0.key < $1.key }) {
                try c.insert(into: Table.SplitGroups.self, [.groupKey: .text(group), .split: .text(split.rawValue), .assignedAt: .text(Timestamp.now())],
                             suffix: "ON CONFLICT (group_key) DO NOTHING")
            }
            return try Self.splits(c)
        }
    }

    static func splits(_ c: SQLConnection) throws -> [String: Split] {
        var all: [String: Split] = [:]
        for row in try c.query("SELECT group_key, split FROM split_groups") {
            let name = try row.string(Table.SplitGroups.split)
            guard let split = Split(rawValue: name) else { throw ProjectError(code: .store, message: "a speaker is in the split '\(name)', which this chorus does not know") }
            all[try row.string(Table.SplitGroups.groupKey)] = split
        }
        return all
    }
}
