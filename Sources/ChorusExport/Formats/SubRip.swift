
extension ExportFormat {
    public static let srt = ExportFormat(rawValue: "srt")
}

struct SubRipWriter: FormatWriter {
    let format = ExportFormat.srt
    let needsAudio = false
    let takesOffsets = false
    let needsTargets = false
    let files = "`srt/<recording>.<lang>.srt`: SubRip subtitles per recording, times in `recordings/<recording>`."
    let alignsToRecordings = true

    func write(_ context: inout ExportContext) throws { try context.subtitles(.srt) }
}
