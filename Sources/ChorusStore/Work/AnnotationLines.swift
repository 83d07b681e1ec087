import Foundation

/// One annotation in the JSON Lines form `chorus annotations import` reads and `export` writes.
///
/// Import keys: `recording` (the path it was imported from, as given or absolute) or `recording_sha256`; `start` and
/// `end` (seconds: the segment of that recording overlapping them most), or `segment_id`;
/// `kind` (`transcribe`, `translate` or `review`); `language` (BCP-47; default: the project's
/// source language for transcripts); `annotator` (an existing annotator's name); `text`; and
/// optionally `active_seconds`. A line with `machine_draft` (the system's name) instead of
/// `annotator` is a machine's text for people to start from: it fills no task. `speaker` (a
/// name) sets the segment's own speaker; a line with `speaker` and no `kind` or `text` sets only
/// that. Export adds `annotation_id`, `task_id`, `counted`, `source`, `submitted_at` and the
/// segment's `speaker`; import ignores all of them but `speaker`.
public struct AnnotationLine: Sendable, Equatable {
    public var line: Int
    public var recording: String?
    public var recordingSHA256: String?
    public var segmentID: Int64?
    public var start: Double?
    public var end: Double?
    public var kind: TaskKind
    public var language: String?
    /// The person, or empty for a machine draft.
    public var annotator: String
    /// The system that wrote a machine draft; nil for a person's annotation.
    public var machineDraft: String?
    public var text: String
    public var activeSeconds: Double?
    /// The segment's speaker, to set.
    public var speaker: String?
    /// A line that sets only the segment's speaker (no kind, no text).
    public var speakerOnly = false
    /// The folder of the file the line came from: relative `recording` paths resolve there too.
    public var folder: String?

    static let importKeys: Set<String> = ["recording", "recording_sha256", "segment_id", "start", "end", "kind", "language", "annotator", "machine_draft", "text", "active_seconds", "speaker"]
    static let exportOnlyKeys: Set<String> = ["annotation_id", "task_id", "counted", "source", "submitted_at", "boundary_changed", "amendments"]

    /// Parses a whole file; the first bad line stops it.
    /// - Throws: ``ProjectError`` `.invalidInput` as `FILE:LINE: field 'KEY': problem`.
    public static func parse(_ text: String, path: String) throws -> [AnnotationLine] {
        var out: [AnnotationLine] = []
        // A byte order mark, as some editors write, is not part of the first line.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            func fail(_ field: String?, _ problem: String) -> ProjectError {
                ProjectError(code: .invalidInput, message: (field.map { "field '\($0)': " } ?? "") + problem, path: "\(path):\(lineNumber)")
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw fail(nil, "not a JSON object")
            }
            if let unknown = object.keys.sorted().first(where: { !importKeys.contains($0) && !exportOnlyKeys.contains($0) }) {
                throw fail(unknown, "unknown field")
            }
            func string(_ key: String, required: Bool = false) throws -> String? {
                guard let v = object[key], !(v is NSNull) else {
                    if required { throw fail(key, "missing") }
                    return nil
                }
                guard let s = v as? String else { throw fail(key, "must be a string") }
                return s
            }
            func number(_ key: String) throws -> Double? {
                guard let v = object[key], !(v is NSNull) else { return nil }
                // Foundation hands JSON true/false over as a boolean NSNumber subclass; an integral
                // number also answers `is Bool`, so tell them apart by type.
                guard let n = v as? NSNumber, !String(describing: type(of: v)).contains("Boolean"), n.doubleValue.isFinite else {
                    throw fail(key, "must be a number")
                }
                return n.doubleValue
            }
            let speaker = try string("speaker")
            if let speaker, let problem = SpeakerSource.problem(speaker) { throw fail("speaker", "a name of \(problem)") }
            if speaker != nil && object["kind"] == nil && object["text"] == nil {
                var item = AnnotationLine(
                    line: lineNumber, recording: try string("recording"), recordingSHA256: try string("recording_sha256"),
                    segmentID: try number("segment_id").map { Int64($0) }, start: try number("start"), end: try number("end"),
                    kind: .transcribe, language: nil, annotator: "", machineDraft: nil, text: "", activeSeconds: nil)
                item.speaker = speaker
                item.speakerOnly = true
                item.folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
                if item.segmentID == nil {
                    guard item.recording != nil || item.recordingSHA256 != nil else { throw fail("recording", "missing (or give recording_sha256, or segment_id)") }
                    guard let s = item.start, let e = item.end, s < e else { throw fail(item.start == nil ? "start" : "end", "start and end must be numbers with start < end") }
                }
                out.append(item)
                continue
            }
            guard let kind = TaskKind(rawValue: try string("kind", required: true) ?? "") else {
                throw fail("kind", "must be transcribe, translate or review")
            }
            let text = try string("text", required: true) ?? ""
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail("text", "is empty") }
            let machine = try string("machine_draft")
            if machine != nil && object["annotator"] != nil { throw fail("machine_draft", "a line is a person's annotation or a machine draft, not both") }
            var item = AnnotationLine(
                line: lineNumber, recording: try string("recording"), recordingSHA256: try string("recording_sha256"),
                segmentID: try number("segment_id").map { Int64($0) }, start: try number("start"), end: try number("end"),
                kind: kind, language: try string("language"), annotator: try string("annotator", required: machine == nil) ?? "",
                machineDraft: machine, text: text, activeSeconds: try number("active_seconds"))
            if let seconds = item.activeSeconds, let problem = ActiveTime.problem(seconds) { throw fail("active_seconds", problem) }
            item.speaker = speaker
            item.folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
            if let language = item.language {
                do { item.language = try LanguageTag(language).value } catch let e as ProjectError { throw fail("language", e.message) }
            }
            if item.segmentID == nil {
                guard item.recording != nil || item.recordingSHA256 != nil else { throw fail("recording", "missing (or give recording_sha256, or segment_id)") }
                guard let s = item.start, let e = item.end, s < e else { throw fail(item.start == nil ? "start" : "end", "start and end must be numbers with start < end") }
            }
            out.append(item)
        }
        return out
    }
}

extension WorkQueue {
    /// Imports annotations made elsewhere in one transaction: nothing is kept if any line is
    /// bad. Transcripts are applied first, then reviews, then translations, each filling an
    /// open task of its segment as if its annotator had claimed and submitted it, so segments
    /// settle and translation tasks open exactly as with work done in Chorus.
    /// - Returns: how many annotations were stored.
    /// - Throws: ``ProjectError`` `.invalidInput` naming the file, line and field.
    public func importAnnotations(_ lines: [AnnotationLine], path: String, now: Date = Date()) throws -> Int {
        let order: [TaskKind] = [.transcribe, .review, .translate]
        let sorted = lines.sorted { (order.firstIndex(of: $0.kind)!, $0.line) < (order.firstIndex(of: $1.kind)!, $1.line) }
        return try database.write { c in
            for item in sorted {
                func fail(_ field: String, _ problem: String) -> ProjectError {
                    ProjectError(code: .invalidInput, message: "field '\(field)': \(problem)", path: "\(path):\(item.line)")
                }
                if let speaker = item.speaker {
                    let segment = try findSegment(item, c, fail)
                    do { _ = try ProjectStore.setSpeakers([(segment, speaker)], source: .import, c) } catch let e as ProjectError { throw fail("speaker", e.message) }
                    if item.speakerOnly { continue }
                }
                if let system = item.machineDraft {
                    let segment = try findSegment(item, c, fail)
                    let language = item.language ?? config.sourceLanguage.value
                    try Self.storeMachineDraft(segment: segment, kind: item.kind, language: language, text: item.text, source: system, now: now, c)
                    continue
                }
                let me: Annotator
                do { me = try ProjectStore.annotator(named: item.annotator, c) } catch let e as ProjectError { throw fail("annotator", e.message) }
                let language = item.language ?? config.sourceLanguage.value
                if let problem = languageProblem(language, kind: item.kind) { throw fail("language", problem) }
                let segment = try findSegment(item, c, fail)
                try lockSegment(segment, c)
                if try !c.query(
                    "SELECT 1 FROM annotations WHERE segment_id = ? AND kind = ? AND language = ? AND annotator_id = ?",
                    [.integer(segment), .text(item.kind.rawValue), .text(language), .integer(me.id)]).isEmpty {
                    throw fail("annotator", "\(me.name) already has a \(item.kind.rawValue) annotation of segment \(segment) in \(language)")
                }
                guard let task = try c.query(
                    "SELECT id FROM tasks WHERE segment_id = ? AND kind = ? AND language = ? AND state = 'open' ORDER BY slot LIMIT 1",
                    [.integer(segment), .text(item.kind.rawValue), .text(language)]).first?.int(TaskRecord.Columns.id) else {
                    throw fail("kind", "segment \(segment) has no open \(item.kind.rawValue) task in \(language)")
                }
                let t = now.timeIntervalSince1970
                try c.insert(into: Table.Leases.self, [.taskID: .integer(task), .annotatorID: .integer(me.id), .leasedAt: .real(t), .expires: .real(t)])
                try c.insert(into: Table.Annotations.self, [
                    .taskID: .integer(task), .segmentID: .integer(segment), .kind: .text(item.kind.rawValue), .language: .text(language),
                    .annotatorID: .integer(me.id), .text: .text(item.text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)),
                    .activeSeconds: .optional(item.activeSeconds), .counted: .bool(true), .source: .text("import"), .submittedAt: .real(t),
                ])
                try c.execute("UPDATE tasks SET state = 'done', annotator_id = ?, lease_expires = NULL WHERE id = ?", [.integer(me.id), .integer(task)])
                _ = try settle(segment: segment, kind: item.kind, language: language, now: now, c)
            }
            return sorted.filter { !$0.speakerOnly }.count
        }
    }

    /// Why `language` cannot carry a `kind` annotation in this project, naming its languages.
    func languageProblem(_ language: String, kind: TaskKind) -> String? {
        let source = config.sourceLanguage.value
        let targets = config.targetLanguages.map(\.value)
        let allowed: [String]
        switch kind {
        case .transcribe: allowed = [source]
        case .translate: allowed = targets
        case .review: allowed = [source] + targets
        }
        guard !allowed.contains(language) else { return nil }
        let languages = "this project transcribes \(source)" + (targets.isEmpty ? " and translates into nothing" : " and translates into \(targets.joined(separator: ", "))")
        return "\(language) is not a language for a \(kind.rawValue) annotation here: \(languages)"
    }

    private func findSegment(_ item: AnnotationLine, _ c: SQLConnection, _ fail: (String, String) -> ProjectError) throws -> Int64 {
        if let id = item.segmentID {
            guard try !c.query("SELECT 1 FROM segments WHERE id = ?", [.integer(id)]).isEmpty else { throw fail("segment_id", "there is no segment \(id)") }
            return id
        }
        let recording: Int64?
        if let sha = item.recordingSHA256 {
            recording = try c.query("SELECT id FROM recordings WHERE sha256 = ?", [.text(sha)]).first?.int(RecordingRecord.Columns.id)
        } else {
            // As given, or resolved against the working directory as `chorus segment` stores it,
            // or against the folder of the file the line is in.
            let given = item.recording ?? ""
            let absolute = given.isEmpty ? given : URL(fileURLWithPath: given).standardizedFileURL.path
            let besideFile = given.isEmpty || given.hasPrefix("/") ? absolute
                : URL(fileURLWithPath: given, relativeTo: URL(fileURLWithPath: item.folder ?? ".", isDirectory: true)).standardizedFileURL.path
            recording = try c.query(
                "SELECT id FROM recordings WHERE path = ? OR path = ? OR path = ? ORDER BY id LIMIT 1",
                [.text(given), .text(absolute), .text(besideFile)]).first?.int(RecordingRecord.Columns.id)
        }
        guard let recording else {
            throw fail(item.recordingSHA256 != nil ? "recording_sha256" : "recording", "no such recording in the project")
        }
        let s = item.start ?? 0, e = item.end ?? 0
        let best = try c.query(
            """
            SELECT id, \(database.dialect.least("\"end\"", "?")) - \(database.dialect.greatest("start", "?")) AS overlap FROM segments
            WHERE recording_id = ? AND start < ? AND \"end\" > ? ORDER BY overlap DESC, id LIMIT 1
            """,
            [.real(e), .real(s), .integer(recording), .real(e), .real(s)]).first?.int(Table.Segments.id)
        guard let best else { throw fail("start", "no segment of that recording overlaps \(s)–\(e) s") }
        return best
    }

    /// Every annotation as export lines, oldest first.
    public func exportAnnotations() throws -> [String] {
        try database.read { c in
            try c.query(
                """
                SELECT a.id, a.task_id, a.segment_id, a.kind, a.language, a.text, a.active_seconds, a.counted, a.source, a.submitted_at,
                       a.boundary_changed, (SELECT COUNT(*) FROM amendments m WHERE m.annotation_id = a.id) AS n, n.name, r.path, r.sha256, s.start, s.\"end\", COALESCE(s.speaker, r.speaker) AS speaker
                FROM annotations a JOIN annotators n ON n.id = a.annotator_id
                JOIN segments s ON s.id = a.segment_id JOIN recordings r ON r.id = s.recording_id
                ORDER BY a.id
                """).map { row in
                let a = Table.Annotations.self, r = RecordingRecord.Columns.self, s = Table.Segments.self
                var object: [String: Any] = [
                    "annotation_id": try row.int(a.id), "segment_id": try row.int(a.segmentID),
                    "recording": try row.string(r.path), "recording_sha256": try row.string(r.sha256),
                    "start": try row.double(s.start), "end": try row.double(s.end),
                    "kind": try row.string(a.kind), "language": try row.string(a.language),
                    "annotator": try row.string(Annotator.Columns.name), "text": try row.string(a.text),
                    "counted": try row.bool(a.counted), "source": try row.string(a.source),
                    "submitted_at": try row.double(a.submittedAt),
                ]
                if let t = try row.optionalInt(a.taskID) { object["task_id"] = t }
                if let seconds = try row.optionalDouble(a.activeSeconds) { object["active_seconds"] = seconds }
                if let speaker = try row.optionalString(s.speaker) { object["speaker"] = speaker }
                // Written for boundaries that have since moved, or amended by its author.
                if try row.bool(a.boundaryChanged) { object["boundary_changed"] = true }
                let amended = try row.int(Computed.n)
                if amended > 0 { object["amendments"] = amended }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                return String(decoding: data, as: UTF8.self)
            }
        }
    }
}
