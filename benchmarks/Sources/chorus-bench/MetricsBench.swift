import Foundation

/// Each metric over 100,000 generated sentence pairs (Swahili-like words, 5 to 15 a line,
/// up to three edits), with the reference packages on the same files as the peer when the
/// interop environment is there (`scripts/interop-venv`).
func runMetricsBenchmark(folder: String, chorus: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let ref = folder + "/metrics-ref.txt", hyp = folder + "/metrics-hyp.txt"
    if !FileManager.default.fileExists(atPath: ref) {
        var gen = LCG(seed: 7)
        let words = ["habari", "ya", "za", "asubuhi", "mimi", "ni", "mwalimu", "sana", "leo", "kesho", "soko", "mvua", "watoto", "shule", "chakula", "maji", "nyumba", "rafiki"]
        var refs: [String] = [], hyps: [String] = []
        for _ in 0..<100_000 {
            let r = (0..<(5 + gen.next(11))).map { _ in words[gen.next(words.count)] }
            var h = r
            for _ in 0..<gen.next(4) {
                switch gen.next(3) {
                case 0 where !h.isEmpty: h[gen.next(h.count)] = words[gen.next(words.count)]
                case 1 where !h.isEmpty: h.remove(at: gen.next(h.count))
                default: h.insert(words[gen.next(words.count)], at: gen.next(h.count + 1))
                }
            }
            refs.append(r.joined(separator: " ") + (gen.next(5) == 0 ? "." : ""))
            hyps.append(h.joined(separator: " "))
        }
        try (refs.joined(separator: "\n") + "\n").write(toFile: ref, atomically: true, encoding: .utf8)
        try (hyps.joined(separator: "\n") + "\n").write(toFile: hyp, atomically: true, encoding: .utf8)
    }
    let python = FileManager.default.currentDirectoryPath + "/.build/interop-venv/bin/python"
    let peer = FileManager.default.isExecutableFile(atPath: python)
    print("Chorus metrics: 100,000 sentence pairs (1.0 M words, 5.4 M characters), best of 3, wall time; peak RSS.")
    print("Peer: the reference package on the same files (jiwer 4.0.0, sacrebleu 2.6.0), one run\(peer ? "" : " (not run: no scripts/interop-venv)").")
    print(columns(["metric", "chorus", "target", "RSS", "peer", "peer/chorus"]))
    let cases: [(String, [String], String)] = [
        ("wer", ["wer"], "import jiwer; jiwer.wer(r, h)"),
        ("cer", ["cer"], "import jiwer; jiwer.cer(r, h)"),
        ("mer", ["mer"], "import jiwer; jiwer.mer(r, h)"),
        ("wil", ["wil"], "import jiwer; jiwer.wil(r, h)"),
        ("chrf", ["chrf"], "from sacrebleu.metrics import CHRF; CHRF().corpus_score(h, [r])"),
        ("chrf++", ["chrf", "--word-order", "2"], "from sacrebleu.metrics import CHRF; CHRF(word_order=2).corpus_score(h, [r])"),
        ("bleu", ["bleu"], "from sacrebleu.metrics import BLEU; BLEU().corpus_score(h, [r])"),
    ]
    for (name, args, code) in cases {
        let ours = try best(of: 3, [chorus, "metrics"] + args + [ref, hyp])
        guard ours.status == 0 else { throw BenchError("chorus metrics \(name) failed") }
        var row = [name, "\(fmt(ours.seconds)) s", "< 1 s", mb(ours.peakRSSBytes)]
        if peer {
            let script = "r=open('\(ref)',encoding='utf-8').read().split('\\n')[:-1]; h=open('\(hyp)',encoding='utf-8').read().split('\\n')[:-1]; \(code)"
            let theirs = try best(of: 1, [python, "-c", script])
            row += ["\(fmt(theirs.seconds)) s", "\(fmt(theirs.seconds / ours.seconds))x"]
        }
        print(columns(row))
    }
}

/// A small deterministic generator, so the benchmark's files are the same on every machine.
struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(max(1, bound)))
    }
}
