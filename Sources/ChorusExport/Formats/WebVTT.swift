
extension ExportFormat {
    public static let vtt = ExportFormat(rawValue: "vtt")
}

struct WebVTTWriter: FormatWriter {
    let format = ExportFormat.vtt
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`vtt/<recording>.<lang>.vtt`: WebVTT subtitles per recording, voice spans for speakers, times in `recordings/<recording>`."
    let alignsToRecordings = true

    func write(_ context: inout ExportContext) throws { try context.subtitles(.vtt) }
}
