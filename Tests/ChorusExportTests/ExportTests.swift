@testable import ChorusExport
#if canImport(FoundationXML)
import FoundationXML
#endif
import ChorusStore
import Foundation
import Testing
import TestSupport

/// Reads a corpus file as text.
func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

/// Every file under a folder, relative, sorted.
func files(under root: String) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    if let walker = fm.enumerator(atPath: root) {
        while let p = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: root + "/" + p, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(p) }
        }
    }
    return out.sorted()
}

func shell(_ command: String) throws -> (status: Int32, out: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
}

@Suite struct ExportTests {
    @Test(arguments: Engine.testable) func exportsSettledDataInEveryFormatWithHonestSplits(engine: Engine) throws {
        let world = try ExportWorld(engine: engine)
        let out = world.dir + "/dist/corpus"
        let run = try world.export(["--format", "all", "--json"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(summary["segments"] as? Int == world.exported.count)
        let leftOut = summary["left_out"] as? [String: Int] ?? [:]
        #expect(leftOut == ["no settled transcript": 1, "no settled translation into zh-Hant": 1], "\(leftOut)")

        // NeMo: one line per exported segment, texts as settled, durations of the clips.
        var seen: [Int64: String] = [:]
        for split in ["train", "dev", "test"] {
            guard FileManager.default.fileExists(atPath: "\(out)/nemo/\(split).jsonl") else { continue }
            for line in try jsonLines(read("\(out)/nemo/\(split).jsonl")) {
                let id = line["id"] as? String ?? ""
                let segment = Int64(id.split(separator: "-").last ?? "") ?? 0
                seen[segment] = split
                #expect(line["text"] as? String == world.settled[segment]?["ar"])
                #expect((line["translations"] as? [String: String]) == world.settled[segment]?.filter { $0.key != "ar" })
                let s = try #require(world.segments[segment])
                #expect(abs((line["duration"] as? Double ?? 0) - (s.end - s.start)) < 0.001)
                let audio = "\(out)/nemo/" + (line["audio_filepath"] as? String ?? "")
                #expect(FileManager.default.fileExists(atPath: audio), "\(audio)")
                let provenance = line["provenance"] as? [String: [String: Any]] ?? [:]
                #expect(provenance["ar"]?["method"] as? String == "agreed")
                #expect((provenance["ar"]?["annotators"] as? [String])?.allSatisfy { $0.hasPrefix("annotator-") } == true)
            }
        }
        #expect(seen.keys.sorted() == world.exported)

        // Splits: every split used, no speaker in two splits (each segment by its own speaker;
        // a recording's unknown voice is one speaker).
        var splitOfSpeaker: [String: Set<String>] = [:]
        for (segment, split) in seen {
            splitOfSpeaker[world.speaker(segment) ?? "recording \(world.segments[segment]!.recording)", default: []].insert(split)
        }
        #expect(splitOfSpeaker.values.allSatisfy { $0.count == 1 }, "\(splitOfSpeaker)")
        #expect(splitOfSpeaker.keys.contains("Wanjiru") && splitOfSpeaker.keys.contains("Baraka"), "\(splitOfSpeaker)")
        #expect(Set(seen.values) == ["train", "dev", "test"])

        // Nothing escapes the folder; names are plain; checksums hold.
        let all = files(under: out)
        #expect(all.allSatisfy { !$0.contains("..") && !$0.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(!FileManager.default.fileExists(atPath: world.dir + "/etc"))
        let sums = try shell("cd '\(out)' && sha256sum --quiet -c SHA256SUMS")
        #expect(sums.status == 0, "\(sums.out)")
        #expect(try read(out + "/SHA256SUMS").split(separator: "\n").count == all.count - 1, "every file but the list itself")
        #expect(!FileManager.default.fileExists(atPath: world.dir + "/dist/.corpus.partial"))

        // Kaldi: sorted as LC_ALL=C sort, utterances prefixed by their speaker, files consistent.
        for split in ["train", "dev", "test"] {
            let k = "\(out)/kaldi/\(split)"
            for name in ["wav.scp", "segments", "text", "text.en", "text.zh-Hant", "utt2spk", "spk2utt", "utt2dur"] {
                let lines = try read("\(k)/\(name)").split(separator: "\n").map(String.init)
                #expect(lines == Text.sortedBytes(lines), "\(split)/\(name) sorted")
                #expect(Set(lines.map { $0.split(separator: " ")[0] }).count == lines.count, "\(split)/\(name) unique keys")
            }
            let utt2spk = try read("\(k)/utt2spk").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(utt2spk.allSatisfy { $0.count == 2 && $0[0].hasPrefix($0[1] + "-") })
            // Each utterance's speaker is its segment's own: the conversations' speakers too.
            for pair in utt2spk {
                let segment = Int64(pair[0].split(separator: "-").last ?? "") ?? 0
                #expect(pair[1] == world.speaker(segment).map { SafeName.make($0, limit: 40) } ?? pair[0].components(separatedBy: "-")[0], "\(pair)")
            }
            // spk2utt expanded back is utt2spk, in the same order (Kaldi's validate_data_dir.sh check).
            let expanded = try read("\(k)/spk2utt").split(separator: "\n").flatMap { line -> [[String]] in
                let f = line.split(separator: " ").map(String.init)
                return f.dropFirst().map { [$0, f[0]] }
            }
            #expect(Text.sortedBytes(expanded.map { $0.joined(separator: " ") }) == utt2spk.map { $0.joined(separator: " ") })
            for line in try read("\(k)/wav.scp").split(separator: "\n") {
                let path = line.components(separatedBy: "'")[1]
                // Relative to the corpus folder, where Kaldi's tools are run from.
                #expect(path.hasPrefix("audio/") && FileManager.default.fileExists(atPath: out + "/" + path))
            }
            // The texts decode the FLAC clips the way Kaldi would run them, if flac is installed.
        }

        // Lhotse: the documented schema, gzip JSON Lines.
        for split in ["train", "dev", "test"] {
            let recordings = try jsonLines(shell("gzip -dc '\(out)/lhotse/recordings_\(split).jsonl.gz'").out)
            let supervisions = try jsonLines(shell("gzip -dc '\(out)/lhotse/supervisions_\(split).jsonl.gz'").out)
            #expect(recordings.count == supervisions.count && !recordings.isEmpty)
            for (r, s) in zip(recordings, supervisions) {
                #expect(r["sampling_rate"] as? Int == 16_000)
                #expect(abs(Double(r["num_samples"] as? Int ?? 0) / 16_000 - (r["duration"] as? Double ?? 0)) < 1e-9)
                let source = (r["sources"] as? [[String: Any]])?.first
                let path = source?["source"] as? String ?? "/"
                #expect(source?["type"] as? String == "file" && !path.hasPrefix("/") && FileManager.default.fileExists(atPath: out + "/" + path))
                #expect(s["recording_id"] as? String == r["id"] as? String && s["start"] as? Double == 0 && s["language"] as? String == "ar")
                #expect(s["duration"] as? Double == r["duration"] as? Double)
            }
        }

        // The datasheet: a dataset card, the figures, credits only for those who consented.
        let card = try read(out + "/README.md")
        #expect(card.hasPrefix("---\npretty_name: \"project\"\nlanguage:\n- \"ar\"\n- \"en\"\n- \"zh-Hant\"\n"))
        #expect(card.contains("task_categories:\n- automatic-speech-recognition\n- translation\n"))
        #expect(card.contains("Layla Ḥaddād") && card.contains("Eve Adams"))
        #expect(!card.contains("omar") && !card.contains("mei"), "people who did not consent are not named")
        #expect(card.contains("2 more chose not to be named"))
        #expect(card.contains("- 1 segment: no settled transcript"))
        #expect(card.contains("Pay (`chorus pay` over the whole project, USD): 1 paid per audio-minute, 1 paid per hour, 1 paid per task, 1 with no pay rate;"))
        #expect(card.contains("no pay floor was set"))
    }

    @Test func withdrawnConsentIsHonouredInTheNextCorpus() throws {
        let world = try ExportWorld()
        let before = world.dir + "/before", after = world.dir + "/after"
        #expect(try world.export(["--format", "tmx"], out: before).status == 0)
        #expect(try read(before + "/README.md").contains("Eve Adams"))
        let set = try ChorusProcess.run(["annotators", "set", "eve", "--no-credit", "--project", world.dir + "/project"])
        #expect(set.status == 0 && set.stdout.contains("eve: not named in corpora"), "\(set.stderr)")
        #expect(try world.export(["--format", "tmx"], out: after).status == 0)
        let card = try read(after + "/README.md")
        let words = Set(card.split(whereSeparator: { !$0.isLetter }).map(String.init))
        #expect(!card.contains("Eve Adams") && !words.contains("eve") && !words.contains("omar") && !words.contains("mei"))
        #expect(card.contains("With thanks to those who agreed to be named: Layla Ḥaddād."))
        #expect(card.contains("3 more chose not to be named"))
    }

    @Test func aSegmentNeverMovesBetweenSplitsAsTheCorpusGrows() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        #expect(try world.export(["--format", "nemo"], out: out).status == 0)
        func splits() throws -> [String: String] {
            var m: [String: String] = [:]
            for split in ["train", "dev", "test"] where FileManager.default.fileExists(atPath: "\(out)/nemo/\(split).jsonl") {
                for line in try jsonLines(read("\(out)/nemo/\(split).jsonl")) { m[line["id"] as? String ?? ""] = split }
            }
            return m
        }
        let before = try splits()
        // The disagreement is reviewed and settles; the corpus grows by one segment.
        let review = try world.project.work.claim(as: "eve", kind: .review)
        _ = try world.project.work.submit(task: review.taskID, as: "eve", text: "نص نهائي")
        let t = try world.project.work.claim(as: "eve", kind: .translate, language: "en")
        _ = try world.project.work.submit(task: t.taskID, as: "eve", text: "final text")
        let z = try world.project.work.claim(as: "mei", kind: .translate, language: "zh-Hant")
        _ = try world.project.work.submit(task: z.taskID, as: "mei", text: "最終文本")
        // Different target shares do not move what was placed.
        let again = try world.export(["--format", "nemo", "--split", "34,33,33"], out: out)
        #expect(again.status == 1, "a corpus is there and --force was not given")
        #expect(again.stderr.contains("\(out): a corpus is already there; --force replaces it"))
        #expect(try world.export(["--format", "nemo", "--split", "34,33,33", "--force"], out: out).status == 0)
        let after = try splits()
        #expect(after.count == before.count + 1)
        for (id, split) in before { #expect(after[id] == split, "\(id) moved") }
    }

    @Test func aFolderThatIsNotACorpusIsNeverReplaced() throws {
        let world = try ExportWorld()
        let out = world.dir + "/precious"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "keep me".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        let run = try world.export(["--format", "tmx", "--force"], out: out)
        #expect(run.status == 1)
        #expect(run.stderr.contains("is not a Chorus corpus"))
        #expect(try read(out + "/notes.txt") == "keep me")
    }

    @Test func anUnreadableRecordingIsNamedAndTheRestIsExported() throws {
        let world = try ExportWorld()
        try FileManager.default.removeItem(atPath: world.audio + "/r3.wav")
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "nemo,kaldi", "--json"], out: out)
        #expect(run.status == 1)
        #expect(run.stderr.contains("r3.wav"), "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        let lost = world.exported.filter { world.segments[$0]!.recording == 2 }.count
        #expect(summary["segments"] as? Int == world.exported.count - lost)
        #expect((summary["left_out"] as? [String: Int])?["audio could not be read"] == lost)
        #expect(try shell("cd '\(out)' && sha256sum --quiet -c SHA256SUMS").status == 0)
    }

    @Test func aRecordingCutShortSinceImportIsNamedAndLeavesNoClipsBehind() throws {
        let world = try ExportWorld()
        // r3.wav: 10 s at 22.05 kHz, segments at 0.25–4 and 5–9 s; keep the first 6 s.
        try Fixtures.truncate(world.audio + "/r3.wav", to: 44 + 22_050 * 2 * 6)
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "nemo"], out: out)
        #expect(run.status == 1)
        #expect(run.stderr.contains("r3.wav") && run.stderr.contains("truncated or changed since it was imported"), "\(run.stderr)")
        #expect(!files(under: out).contains { $0.contains("r3_3") }, "no clip of the damaged recording stays")
        #expect(try shell("cd '\(out)' && sha256sum --quiet -c SHA256SUMS").status == 0)
    }

    @Test func badOptionsAreRefusedWithTheReason() throws {
        let world = try ExportWorld()
        let bad = try world.export(["--format", "nemo,docx"], out: world.dir + "/x")
        #expect(bad.status != 0 && bad.stderr.contains("unknown format 'docx'"))
        let split = try world.export(["--split", "80,20"], out: world.dir + "/x")
        #expect(split.status != 0 && split.stderr.contains("--split"))
        #expect(!FileManager.default.fileExists(atPath: world.dir + "/x"))
    }

    @Test func aRerunAfterACrashKeepsTheClipsAlreadyCutAndDropsStrayFiles() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        let project = try Project.open(at: world.dir + "/project")
        var options = ExportOptions(formats: [.nemo], name: "corpus")
        options.audioRoot = world.audio
        _ = try Exporter.run(project: project, options: options, out: out, force: false)
        // Make the finished corpus look like an interrupted one: back to the partial name, with
        // its marker, a clip replaced by a stand-in of known length, and a stray file.
        let partial = world.dir + "/.corpus.partial"
        try FileManager.default.moveItem(atPath: out, toPath: partial)
        let settings = Exporter.settings(options)
        try settings.write(toFile: partial + "/" + Output.marker, atomically: true, encoding: .utf8)
        let clip = try #require(files(under: partial + "/audio").first)
        try FileManager.default.removeItem(atPath: partial + "/audio/" + clip)
        try Fixtures.write([Float](repeating: 0, count: 1234), to: partial + "/audio/" + clip, rate: 16_000, type: .flac)
        try "half".write(toFile: partial + "/audio/stray.flac.tmp", atomically: true, encoding: .utf8)
        let summary = try Exporter.run(project: project, options: options, out: out, force: false)
        #expect(summary.segments == world.exported.count)
        let manifest = try files(under: out + "/nemo").flatMap { try jsonLines(read(out + "/nemo/" + $0)) }
        let reused = manifest.first { ($0["audio_filepath"] as? String)?.hasSuffix(clip) == true }
        #expect(reused?["duration"] as? Double == 1234.0 / 16_000, "the clip already cut was kept")
        #expect(!FileManager.default.fileExists(atPath: out + "/audio/stray.flac.tmp"))
        #expect(!FileManager.default.fileExists(atPath: partial))
        // Other audio settings start afresh.
        try FileManager.default.moveItem(atPath: out, toPath: partial)
        try settings.write(toFile: partial + "/" + Output.marker, atomically: true, encoding: .utf8)
        options.sampleRate = 8_000
        _ = try Exporter.run(project: project, options: options, out: out, force: false)
        let fresh = try files(under: out + "/nemo").flatMap { try jsonLines(read(out + "/nemo/" + $0)) }
        #expect(fresh.allSatisfy { ($0["duration"] as? Double ?? 0) > 1 })
    }
}

@Suite struct SplitPlannerTests {
    @Test func placesGroupsByDurationAndNeverMovesAPlacedOne() throws {
        var groups: [(key: String, weight: Double)] = []
        for i in 1...200 { groups.append((SplitGroup.key(speaker: i % 3 == 0 ? nil : "speaker \(i)", recording: Int64(i)), Double(30 + i % 17 * 10))) }
        let proportions: [Split: Double] = [.train: 0.8, .dev: 0.1, .test: 0.1]
        let plan = SplitPlanner.plan(groups: groups, fixed: [:], proportions: proportions)
        #expect(plan == SplitPlanner.plan(groups: groups.reversed(), fixed: [:], proportions: proportions), "deterministic, whatever the order")
        let total = groups.reduce(0) { $0 + $1.weight }
        for split in Split.allCases {
            let share = groups.filter { plan[$0.key] == split }.reduce(0) { $0 + $1.weight } / total
            #expect(abs(share - proportions[split]!) < 0.05, "\(split) \(share)")
        }
        // More speakers arrive; placed ones stay, even when the new ones are heavy.
        let more = groups + [("speaker:newcomer", 8_000), ("recording:999", 40)]
        let grown = SplitPlanner.plan(groups: more, fixed: plan, proportions: proportions)
        #expect(grown.keys.sorted() == ["recording:999", "speaker:newcomer"])
        #expect(grown["speaker:newcomer"] == .train)
    }

    @Test func fewRecordingsStillGiveEverySplitOne() {
        let plan = SplitPlanner.plan(groups: (1...3).map { ("recording:\($0)", 10) }, fixed: [:], proportions: [.train: 0.8, .dev: 0.1, .test: 0.1])
        #expect(Set(plan.values) == Set(Split.allCases))
    }
}

@Suite struct SafeNameTests {
    @Test func namesArePlainASCIIAndNeverCollide() {
        #expect(SafeName.make("Kofi", limit: 40) == "Kofi")
        let odd = ["Ana María O'Neil", "../../etc/passwd", "李小龍", "", "a\tb", "a b", "a_b"]
        let made = odd.map { SafeName.make($0, limit: 40) }
        #expect(made.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } }, "\(made)")
        #expect(Set(made).count == made.count)
        #expect(made[0].hasPrefix("Ana_Maria_O_Neil_"))
    }
}

@Suite struct SubtitleLayoutTests {
    @Test func wrapsIntoTwoLineCuesAndWarnsWhenTooFastOrTooLong() {
        let limits = SubtitleLimits()
        let short = SubtitleLayout.cues(start: 1, end: 4, text: "Habari za asubuhi", limits: limits, unspaced: false)
        #expect(short.cues.count == 1 && short.cues[0].lines == ["Habari za asubuhi"] && short.warnings.isEmpty)
        let long = String(repeating: "maneno mengi sana ", count: 10)
        let r = SubtitleLayout.cues(start: 0, end: 12, text: long, limits: limits, unspaced: false)
        #expect(r.cues.allSatisfy { $0.lines.count <= 2 && $0.lines.allSatisfy { $0.count <= 42 } })
        #expect(r.cues.count == 3 && r.cues.first?.start == 0 && r.cues.last?.end == 12)
        #expect(zip(r.cues, r.cues.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(r.warnings.isEmpty, "a long text over several cues at a readable speed is no problem: \(r.warnings)")
        let fast = SubtitleLayout.cues(start: 0, end: 1, text: "far too many words for one second", limits: limits, unspaced: false)
        #expect(fast.warnings.contains { $0.contains("characters a second") })
        let word = SubtitleLayout.cues(start: 0, end: 10, text: String(repeating: "x", count: 50), limits: limits, unspaced: false)
        #expect(word.warnings.contains { $0.contains("longer than a line") })
        let chinese = SubtitleLayout.cues(start: 0, end: 10, text: "歡迎來到今天的大市場艾哈邁德買了三公斤番茄和洋蔥", limits: limits.forLanguage("zh-Hant"), unspaced: true)
        #expect(chinese.cues.flatMap(\.lines).allSatisfy { $0.count <= 16 })
        #expect(SubtitleLayout.timestamp(3723.456, separator: ",") == "01:02:03,456")
    }
}

@Suite struct WholeRecordingTests {
    @Test func formatsThatTakeOffsetsPointIntoWholeRecordings() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "nemo,kaldi,lhotse,mustc,stm,eaf", "--whole-recordings"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/audio"), "no clips are cut for formats that take offsets")
        // Each recording once, resampled to 16 kHz mono, as long as the original.
        let recordings = files(under: out + "/recordings")
        #expect(recordings.count == Set(world.exported.map { world.segments[$0]!.recording }).count)
        for path in recordings {
            let (info, _) = try Fixtures.readAll(out + "/recordings/" + path)
            // <stem>_<store id>.flac; the store's ids follow the world's order from 1.
            let stem = (path as NSString).lastPathComponent.split(separator: ".")[0]
            let r = ExportWorld.recordings[Int(stem.split(separator: "_").last!)! - 1]
            #expect(info.sampleRate == 16_000 && info.channels == 1)
            #expect(abs(Double(info.declaredFrames) / 16_000 - r.seconds) < 0.001, "\(path)")
        }
        // Kaldi: segments point into recordings wav.scp names, at the segments' times.
        var seen = 0
        for split in ["train", "dev", "test"] {
            let k = "\(out)/kaldi/\(split)"
            let wav = Set(try read("\(k)/wav.scp").split(separator: "\n").map { String($0.split(separator: " ")[0]) })
            for line in try read("\(k)/segments").split(separator: "\n") {
                let f = line.split(separator: " ").map(String.init)
                let s = Int64(f[0].split(separator: "-").last!)!
                #expect(wav.contains(f[1]))
                #expect(abs(Double(f[2])! - world.segments[s]!.start) < 0.0006 && abs(Double(f[3])! - world.segments[s]!.end) < 0.0006)
                seen += 1
            }
            #expect(try read("\(k)/reco2dur").split(separator: "\n").count == wav.count)
        }
        #expect(seen == world.exported.count)
        // NeMo and MuST-C carry offsets; Lhotse supervisions start inside their recordings.
        let nemo = try files(under: out + "/nemo").flatMap { try jsonLines(read(out + "/nemo/" + $0)) }
        for line in nemo {
            let s = Int64((line["id"] as? String ?? "").split(separator: "-").last!)!
            #expect(line["offset"] as? Double == world.segments[s]!.start)
            #expect((line["audio_filepath"] as? String)?.hasPrefix("../recordings/") == true)
        }
        let yaml = try read(out + "/mustc/ar-en/data/train/txt/train.yaml")
        #expect(yaml.contains("offset: 1.0,") && !yaml.contains(".flac\"}\n- {duration: 3.5, offset: 0.0"))
        let supervisions = try jsonLines(shell("gzip -dc '\(out)/lhotse/supervisions_train.jsonl.gz'").out)
        let lhotseRecordings = try jsonLines(shell("gzip -dc '\(out)/lhotse/recordings_train.jsonl.gz'").out)
        let durations = Dictionary(uniqueKeysWithValues: lhotseRecordings.map { ($0["id"] as? String ?? "", $0["duration"] as? Double ?? 0) })
        #expect(supervisions.allSatisfy { ($0["start"] as? Double ?? -1) + ($0["duration"] as? Double ?? 0) <= durations[$0["recording_id"] as? String ?? ""] ?? 0 })
        // ELAN opens the exported recording, found relative to the document.
        let eaf = try read(out + "/eaf/" + files(under: out + "/eaf")[0])
        let relative = try #require(eaf.components(separatedBy: "RELATIVE_MEDIA_URL=\"").dropFirst().first?.split(separator: "\"").first)
        #expect(FileManager.default.fileExists(atPath: out + "/eaf/" + relative))
        #expect(try shell("cd '\(out)' && sha256sum --quiet -c SHA256SUMS").status == 0)
    }
}

/// The EAF 3.0 schema's structure and key constraints, checked with FoundationXML (the XSD
/// itself is on mpi.nl, out of reach here): element order, required attributes, unique ids,
/// every reference resolving, time slots in order.
@Suite struct EAFStructureTests {
    @Test func documentsKeepTheSchemasOrderAndReferences() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        #expect(try world.export(["--format", "eaf"], out: out).status == 0)
        let names = files(under: out + "/eaf")
        #expect(!names.isEmpty)
        for name in names {
            let doc = try XMLDocument(contentsOf: URL(fileURLWithPath: out + "/eaf/" + name))
            let root = try #require(doc.rootElement())
            #expect(root.name == "ANNOTATION_DOCUMENT")
            for attribute in ["AUTHOR", "DATE", "FORMAT", "VERSION"] { #expect(root.attribute(forName: attribute) != nil) }
            let order = ["HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT", "CONTROLLED_VOCABULARY", "LEXICON_REF", "EXTERNAL_REF"]
            let ranks = (root.children ?? []).compactMap { $0.name.flatMap(order.firstIndex(of:)) }
            #expect(ranks == ranks.sorted() && ranks.count == root.childCount, "\(name): children in the schema's order")
            func all(_ xpath: String) throws -> [XMLElement] { try root.nodes(forXPath: xpath).compactMap { $0 as? XMLElement } }
            func value(_ e: XMLElement, _ a: String) -> String { e.attribute(forName: a)?.stringValue ?? "" }
            let slots = Dictionary(uniqueKeysWithValues: try all("TIME_ORDER/TIME_SLOT").map { (value($0, "TIME_SLOT_ID"), Int(value($0, "TIME_VALUE")) ?? -1) })
            let types = Set(try all("LINGUISTIC_TYPE").map { value($0, "LINGUISTIC_TYPE_ID") })
            let tiers = try all("TIER")
            let tierIDs = tiers.map { value($0, "TIER_ID") }
            #expect(Set(tierIDs).count == tierIDs.count)
            let languages = Set(try all("LANGUAGE").map { value($0, "LANG_ID") })
            var annotations: [String: String] = [:]  // id → tier
            for tier in tiers {
                #expect(types.contains(value(tier, "LINGUISTIC_TYPE_REF")))
                #expect(languages.contains(value(tier, "LANG_REF")))
                for a in try tier.nodes(forXPath: "ANNOTATION/ALIGNABLE_ANNOTATION").compactMap({ $0 as? XMLElement }) {
                    let (t1, t2) = (slots[value(a, "TIME_SLOT_REF1")], slots[value(a, "TIME_SLOT_REF2")])
                    #expect(t1 != nil && t2 != nil && t1! < t2!)
                    #expect(annotations.updateValue(value(tier, "TIER_ID"), forKey: value(a, "ANNOTATION_ID")) == nil, "unique annotation ids")
                }
            }
            for tier in tiers where tier.attribute(forName: "PARENT_REF") != nil {
                let parent = value(tier, "PARENT_REF")
                #expect(tierIDs.contains(parent))
                for a in try tier.nodes(forXPath: "ANNOTATION/REF_ANNOTATION").compactMap({ $0 as? XMLElement }) {
                    #expect(annotations[value(a, "ANNOTATION_REF")] == parent, "a translation refers to a transcript annotation")
                    #expect(annotations.updateValue(value(tier, "TIER_ID"), forKey: value(a, "ANNOTATION_ID")) == nil)
                }
            }
            let last = try all("HEADER/PROPERTY").first { value($0, "NAME") == "lastUsedAnnotationId" }?.stringValue
            #expect(Int(last ?? "") == annotations.count)
        }
    }
}

@Suite struct PartialDataTests {
    @Test func includeUntranslatedExportsWhatIsSettledAndKeepsLineAlignedFormatsAligned() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "nemo,hf,moses,mustc,tmx", "--include-untranslated", "--json"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(summary["segments"] as? Int == world.exported.count + 1)
        #expect(summary["left_out"] as? [String: Int] == ["no settled transcript": 1])
        let nemo = try files(under: out + "/nemo").flatMap { try jsonLines(read(out + "/nemo/" + $0)) }
        let partial = try #require(nemo.first { ($0["id"] as? String)?.hasSuffix(String(format: "-%07lld", world.untranslated)) == true })
        #expect((partial["translations"] as? [String: String])?.keys.sorted() == ["en"])
        // Moses lines exist only where every language has a text, so the files stay aligned.
        for split in ["train", "dev", "test"] where FileManager.default.fileExists(atPath: "\(out)/moses/\(split).ar") {
            let counts = try ["ar", "en", "zh-Hant", "ids"].map { try read("\(out)/moses/\(split).\($0)").split(separator: "\n", omittingEmptySubsequences: false).count }
            #expect(Set(counts).count == 1, "\(split): \(counts)")
            #expect(try !read("\(out)/moses/\(split).ids").contains(String(format: "-%07lld", world.untranslated)))
        }
        // MuST-C for English has it; for Chinese it does not.
        let en = files(under: out + "/mustc/ar-en").filter { $0.hasSuffix(".flac") }.count
        let zh = files(under: out + "/mustc/ar-zh-Hant").filter { $0.hasSuffix(".flac") }.count
        #expect(en == zh + 1)
    }
}

@Suite struct KeptChannelsTests {
    @Test func stereoRecordingsKeepBothChannelsWhenAsked() throws {
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "lhotse", "--keep-channels", "--audio", "wav", "--sample-rate", "22050"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        var seen = 0
        for split in ["train", "dev", "test"] {
            for r in try jsonLines(shell("gzip -dc '\(out)/lhotse/recordings_\(split).jsonl.gz'").out) {
                let path = ((r["sources"] as? [[String: Any]])?.first?["source"] as? String) ?? ""
                let (info, _) = try Fixtures.readAll(out + "/" + path)
                #expect(path.hasSuffix(".wav") && info.sampleRate == 22_050)
                #expect(r["channel_ids"] as? [Int] == Array(0..<info.channels), "\(path)")
                seen += info.channels == 2 ? 1 : 0
            }
        }
        let stereo = world.exported.filter { ExportWorld.recordings[world.segments[$0]!.recording].channels == 2 }.count
        #expect(seen == stereo && stereo > 0)
    }
}
