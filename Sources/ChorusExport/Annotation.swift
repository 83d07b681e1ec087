import Foundation

/// What the per-recording formats (TextGrid, ELAN, subtitles) share.
extension ExportContext {
    /// The speaker as people know them.
    func speakerLabel(_ r: CorpusRecording) -> String { r.speakerName ?? r.speaker }

}
