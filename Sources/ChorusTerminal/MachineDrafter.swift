import ChorusAudio
import ChorusPlayback
import ChorusStore
import Foundation

/// Runs a machine-draft command (an ASR or MT system's command line) on its own thread, ahead
/// of the annotator: first the segment on screen, then the next few segments that will be
/// handed out, storing each output as that segment's machine draft so whoever claims it
/// starts from it.
///
/// The command is run by `/bin/sh -c` with `{audio}` (a WAV of the clip), `{text}` (the
/// source text, for translation), `{lang}` and `{source_lang}` filled in, each shell-quoted.
/// Its standard output, trimmed, is the draft; a failure is reported, never retried for the
/// same segment in this sitting.
final class MachineDrafter: @unchecked Sendable {
    let command: String
    let work: WorkQueue
    let kind: TaskKind
    let language: String
    let sourceLanguage: String
    /// How many segments beyond the current one to prepare.
    let lookahead = 3
    private let condition = NSCondition()
    private var priority: MachineDraftJob?
    private var results: [Int64: String] = [:]
    private var failed: Set<Int64> = []
    private var error: String?
    private var stopping = false
    private var thread: Thread?

    init(command: String, work: WorkQueue, kind: TaskKind, language: String, sourceLanguage: String) {
        self.command = command
        self.work = work
        self.kind = kind
        self.language = language
        self.sourceLanguage = sourceLanguage
        // The thread holds the drafter until ``stop()``.
        let thread = Thread { self.run() }
        thread.name = "chorus-machine-drafts"
        self.thread = thread
        thread.start()
    }

    /// Puts the segment on screen first in line.
    func prioritize(_ task: ClaimedTask) {
        condition.lock()
        if results[task.segmentID] == nil && !failed.contains(task.segmentID) {
            priority = MachineDraftJob(
                segmentID: task.segmentID, kind: task.kind, language: task.language, recording: task.recording,
                start: task.start, end: task.end, sourceText: task.kind == .translate ? task.sourceTexts.first : nil)
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The draft made for `segment` in this sitting, if it is ready.
    func result(for segment: Int64) -> String? {
        condition.lock()
        defer { condition.unlock() }
        return results[segment]
    }

    /// The last failure, once; nil when there is nothing new to report.
    func takeError() -> String? {
        condition.lock()
        defer { error = nil; condition.unlock() }
        return error
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        while thread?.isFinished == false { usleep(2000) }
    }

    private func run() {
        while true {
            condition.lock()
            if stopping { condition.unlock(); return }
            var job = priority
            priority = nil
            condition.unlock()
            if job == nil {
                job = try? work.machineDraftJobs(kind: kind, language: language, limit: lookahead + 8)
                    .first { j in condition.withLock { results[j.segmentID] == nil && !failed.contains(j.segmentID) } }
            }
            guard let job else {
                condition.lock()
                if !stopping && priority == nil { _ = condition.wait(until: Date().addingTimeInterval(5)) }
                condition.unlock()
                continue
            }
            do {
                let text = try draft(job)
                try work.addMachineDraft(segment: job.segmentID, kind: job.kind, language: job.language, text: text, source: "command: \(command)")
                condition.withLock { results[job.segmentID] = text }
            } catch {
                condition.withLock {
                    failed.insert(job.segmentID)
                    self.error = "machine draft for segment \(job.segmentID) failed: \(error)"
                }
            }
        }
    }

    /// Runs the command on one segment and returns its output.
    func draft(_ job: MachineDraftJob) throws -> String {
        let clip = try AudioClip.load(path: job.recording, start: job.start, end: job.end)
        let wav = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-draft-\(getpid())-\(job.segmentID).wav").path
        defer { try? FileManager.default.removeItem(atPath: wav) }
        try AudioWriter.withWriter(path: wav, type: .wav, encoding: .pcm16, sampleRate: clip.sampleRate, channels: clip.channels) { w in
            try w.write(clip.samples)
        }
        let line = Self.fill(command, [
            "audio": wav, "text": job.sourceText ?? "", "lang": job.language, "source_lang": sourceLanguage,
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let why = String(decoding: errors, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw TerminalError("the command exited with \(process.terminationStatus)\(why.isEmpty ? "" : ": \(why)")")
        }
        let text = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw TerminalError("the command printed nothing") }
        return text
    }

    /// Fills `{name}` placeholders with shell-quoted values.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = template
        for (name, value) in values {
            out = out.replacingOccurrences(of: "{\(name)}", with: "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'")
        }
        return out
    }
}
