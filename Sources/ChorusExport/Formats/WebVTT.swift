
extension ExportFormat {
    public static let vtt = ExportFormat(rawValue: "vtt")
}

struct WebVTTWriter: FormatWriter {
    let format = ExportFormat.vtt
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`vtt/<recording>.<lang>.vtt`: WebVTT subtitles per recording, times in the original recording."

    func write(_ context: inout ExportContext) throws { try context.subtitles(.vtt) }
}
