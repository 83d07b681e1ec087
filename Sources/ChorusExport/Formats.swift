import ChorusAudio
import ChorusStore
import CZlib
import Foundation

/// A format `chorus export` writes, by its name (`nemo`, `kaldi`, ...). Each is declared in
/// its own file under `Formats/`, beside its writer; ``FormatWriters/all`` lists them.
public struct ExportFormat: RawRepresentable, Hashable, Sendable, Codable, CaseIterable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every format, in the order `all` exports them.
    public static var allCases: [ExportFormat] { FormatWriters.all.map(\.format) }
    /// A known format by name, or nil.
    public static func named(_ name: String) -> ExportFormat? { allCases.first { $0.rawValue == name } }

    var writer: any FormatWriter { FormatWriters.all.first { $0.format == self }! }
    /// Whether the format points at audio (the others carry text and times only).
    var needsAudio: Bool { writer.needsAudio }
    /// Whether the format can point into a whole recording with an offset.
    var takesOffsets: Bool { writer.takesOffsets }

    /// Whether a format points at the loose clips under `audio/` (shards pack their own).
    static func pointsAtClips(_ options: ExportOptions) -> Bool {
        options.formats.contains { $0.needsAudio && !$0.writer.packsClips && !(options.wholeRecordings && $0.takesOffsets) }
    }

    /// Whether an export with these options cuts clips, and writes whole recordings: for the
    /// formats that take offsets with `wholeRecordings`, and always for those aligned to whole
    /// recordings (TextGrid, ELAN, subtitles), so no file in a corpus points outside it.
    static func audio(for options: ExportOptions) -> (clips: Bool, recordings: Bool) {
        let wanted = options.formats.filter(\.needsAudio)
        let aligned = options.formats.contains { $0.writer.alignsToRecordings }
        if !options.wholeRecordings { return (!wanted.isEmpty, aligned) }
        return (wanted.contains { !$0.takesOffsets }, wanted.contains(where: \.takesOffsets) || aligned)
    }
}

/// What a writer needs: the corpus, the options, where to write and where the corpus will be.
struct ExportContext {
    let corpus: Corpus
    let options: ExportOptions
    let output: Output
    /// Subtitle warnings, collected.
    var warnings: [String] = []

    var rate: Double { Double(options.sampleRate) }
    var splits: [(Split, [Utterance])] {
        Split.allCases.map { ($0, corpus.utterances(in: $0)) }.filter { !$0.1.isEmpty }
    }

    func clipDuration(_ u: Utterance) -> Double { Double(u.frames) / rate }

    /// Where a format that takes offsets finds the utterance: its clip from 0, or with
    /// `wholeRecordings` its recording from the segment's start.
    func span(_ u: Utterance) -> (path: String, offset: Double, duration: Double) {
        options.wholeRecordings ? (corpus.recordings[u.recording].audioPath, u.start, u.duration) : (u.audioPath, 0, clipDuration(u))
    }
    /// The utterance's safe speaker id.
    func speakerID(_ u: Utterance) -> String { u.speaker }
    /// The utterance's speaker as people name them: the name as given, else the safe id.
    func speakerLabel(_ u: Utterance) -> String { u.speakerName ?? u.speaker }
    func fileName(_ u: Utterance) -> String { (u.audioPath as NSString).lastPathComponent }
    /// Texts for a language: the transcript for the source, else the translation.
    func text(_ u: Utterance, _ language: String) -> String? {
        language == corpus.sourceLanguage ? u.text : u.translations[language]
    }
    func provenance(_ u: Utterance) -> String {
        Text.object(corpus.languages.compactMap { language in
            u.provenance[language].map { p in
                (language, Text.object([("method", Text.json(p.method)), ("agreement", p.agreement.map(Text.json)),
                                        ("annotators", "[" + p.annotators.map(Text.json).joined(separator: ", ") + "]")]))
            }
        })
    }
    /// Where a clip came from, so it can be traced and cut again: the recording's key (its
    /// file under `recordings/` with whole recordings), its original file name, and the clip's
    /// start and end in it (seconds, padding included).
    func source(_ u: Utterance) -> [(String, String?)] {
        let r = corpus.recordings[u.recording]
        return [("source_recording", Text.json(r.key)), ("source_file", Text.json((r.path as NSString).lastPathComponent)),
                ("source_start", Text.json(u.start)), ("source_end", Text.json(u.end))]
    }
    func translations(_ u: Utterance) -> String {
        Text.object(corpus.targetLanguages.map { ($0, u.translations[$0].map(Text.json)) })
    }

    mutating func write(_ format: ExportFormat) throws { try format.writer.write(&self) }
}

/// One export format: what it needs, its line in the datasheet, and its writer. Adding a
/// format is a file under `Formats/` with one of these, and a line in ``FormatWriters/all``.
protocol FormatWriter: Sendable {
    var format: ExportFormat { get }
    /// Points at audio (clips, or whole recordings when it takes offsets); said explicitly,
    /// so a new format never gets audio by default.
    var needsAudio: Bool { get }
    /// Can point into a whole recording with an offset (`--whole-recordings`).
    var takesOffsets: Bool { get }
    /// Has nothing to write without target languages.
    var needsTargets: Bool { get }
    /// Gives times in whole recordings (TextGrid, ELAN, subtitles): the recordings are
    /// exported with it, so its times point at audio in the corpus.
    var alignsToRecordings: Bool { get }
    /// Packs the clips into its own files (shards): the loose clips under `audio/` are kept only
    /// when another format points at them.
    var packsClips: Bool { get }
    /// The datasheet's line for its files.
    var files: String { get }
    func write(_ context: inout ExportContext) throws
}

extension FormatWriter {
    var alignsToRecordings: Bool { false }
    var packsClips: Bool { false }
}

/// Every format, in the order `--format all` writes them.
enum FormatWriters {
    static let all: [any FormatWriter] = [
        NeMoWriter(),
        HuggingFaceWriter(),
        KaldiWriter(),
        LhotseWriter(),
        MuSTCWriter(),
        TMXWriter(),
        MosesWriter(),
        CoVoSTWriter(),
        STMWriter(),
        WebVTTWriter(),
        SubRipWriter(),
        TextGridWriter(),
        ELANWriter(),
        WebDatasetWriter(),
        LhotseSharWriter(),
    ]
}

/// gzip through zlib (`deflateInit2` with a gzip header, best compression).
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        var stream = z_stream()
        guard chorus_deflate_init_gzip(&stream, Z_BEST_COMPRESSION) == Z_OK else {
            throw ExportError(.write, at: nil, "gzip: cannot start zlib")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status: Int32 = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ExportError(.write, at: nil, "gzip: zlib failed (\(status))") }
        return Data(out[0..<Int(stream.total_out)])
    }
}
