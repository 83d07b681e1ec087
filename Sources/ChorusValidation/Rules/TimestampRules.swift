/// Segment times inside their recording.
struct TimestampsInRecording: Rule {
    let name = "timestamps-in-recording"
    let severity = Severity.error
    let summary = "every segment starts at or after 0 s and ends by the end of its recording"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.segments.compactMap { s in
            guard let r = p.recordings[s.recordingID] else { return finding("segment \(s.id) belongs to no recording", segment: s.id) }
            if s.start < 0 || s.end > r.duration + 0.01 {
                return finding(String(format: "segment %lld runs %.2f–%.2f s in a recording of %.2f s", s.id, s.start, s.end, r.duration), segment: s.id, recording: r.path)
            }
            return nil
        }
    }
}

/// Start before end.
struct StartBeforeEnd: Rule {
    let name = "start-before-end"
    let severity = Severity.error
    let summary = "every segment starts before it ends"

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.segments.filter { !($0.start < $0.end) }.map {
            finding(String(format: "segment %lld starts at %.2f s and ends at %.2f s", $0.id, $0.start, $0.end), segment: $0.id, recording: p.recordingPath(of: $0.id))
        }
    }
}

/// No two segments of a recording overlap.
struct NoOverlap: Rule {
    let name = "no-overlap"
    let severity = Severity.error
    let summary = "segments of one recording do not overlap"

    func check(_ p: ValidationContext) -> [Finding] {
        var out: [Finding] = []
        let byRecording = Dictionary(grouping: p.snapshot.segments, by: \.recordingID)
        for (_, segments) in byRecording.sorted(by: { $0.key < $1.key }) {
            let sorted = segments.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end - 1e-6 {
                out.append(finding(String(format: "segment %lld (%.2f–%.2f s) overlaps segment %lld (%.2f–%.2f s)", b.id, b.start, b.end, a.id, a.start, a.end),
                                   segment: b.id, recording: p.recordingPath(of: b.id)))
            }
        }
        return out
    }
}

/// Segments neither too short to hold a word nor too long for training.
struct DurationLimits: Rule {
    let name = "duration-limits"
    let severity = Severity.warning
    let summary = "segments last between 0.2 s and 30 s"
    var minimum = 0.2
    var maximum = 30.0

    func check(_ p: ValidationContext) -> [Finding] {
        p.snapshot.segments.compactMap { s in
            let d = s.end - s.start
            guard d > 0, d < minimum || d > maximum else { return nil }
            return finding(String(format: "segment %lld lasts %.2f s (limits %.1f–%.0f s)", s.id, d, minimum, maximum), segment: s.id, recording: p.recordingPath(of: s.id))
        }
    }
}
