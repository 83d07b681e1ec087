import ChorusExport
import ChorusStore
import Foundation
import Testing
import TestSupport

/// Every format read back by its reference reader (datasets, PyYAML, translate-toolkit,
/// webvtt-py, pysrt, praatio, pympi-ling, soundfile, lhotse, webdataset, Python's csv as
/// fairseq reads CoVoST) in the interop virtual environment `make test` prepares, from a copy
/// of the corpus moved to another folder, and compared with the store: texts, each segment's
/// own speaker (conversations included), no speaker in two splits, and each clip's source.
@Suite struct ExportInteropTests {
    static let script = Fixtures.packageRoot + "/Tests/ChorusExportTests/Interop/read_exports.py"

    @Test func theReferenceReadersLoadEveryFormatAsTheStoreHasIt() throws {
        guard let python = ProcessInfo.processInfo.environment["CHORUS_TEST_PYTHON"], !python.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_PYTHON is not set under CI: run through `make test`") }
            return
        }
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        // Small shards, so each split spans several.
        let run = try world.export(["--format", "all", "--shard-size", "0.1"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        // Moved to another folder, as a corpus copied to another machine: nothing may point back.
        let moved = world.dir + "/elsewhere/corpus"
        try FileManager.default.createDirectory(atPath: world.dir + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: out, toPath: moved)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.script, moved, "ar", "en,zh-Hant"]
        p.environment = ProcessInfo.processInfo.environment.merging(["HF_DATASETS_OFFLINE": "1", "HF_HOME": world.dir + "/hf-cache"]) { $1 }
        let stdout = Pipe(), stderr = Pipe()
        p.standardOutput = stdout
        p.standardError = stderr
        try p.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "\(String(decoding: errors, as: UTF8.self).suffix(3000))")
        let read = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]

        func segment(_ id: String) -> Int64 { Int64(id.split(separator: "-").last.map { $0.prefix { $0.isNumber } } ?? "") ?? 0 }
        let exported = Set(world.exported)
        func duration(_ s: Int64) -> Double { world.segments[s].map { $0.end - $0.start } ?? -1 }

        // soundfile: every clip 16 kHz mono, its length the segment's within 1 ms.
        let clips = read["soundfile"] as? [String: [String: Int]] ?? [:]
        #expect(Set(clips.keys.map { segment(($0 as NSString).lastPathComponent) }) == exported)
        for (path, info) in clips {
            #expect(info["rate"] == 16_000 && info["channels"] == 1, "\(path)")
            #expect(abs(Double(info["frames"] ?? 0) / 16_000 - duration(segment((path as NSString).lastPathComponent))) <= 0.001, "\(path)")
        }

        // datasets: the audiofolder's splits, texts, translations, speakers.
        let hf = read["hf"] as? [String: [[String: Any]]] ?? [:]
        #expect(Set(hf.keys) == ["train", "validation", "test"])
        let rows = hf.values.flatMap { $0 }
        #expect(read["hf_root"] as? [String: Int] == hf.mapValues(\.count), "load_dataset on the corpus folder finds the same rows")
        #expect(Set(rows.map { segment($0["id"] as? String ?? "") }) == exported)
        for row in rows {
            let s = segment(row["id"] as? String ?? "")
            #expect(row["text"] as? String == world.settled[s]?["ar"])
            #expect(row["translations"] as? [String: String] == world.settled[s]?.filter { $0.key != "ar" })
            let speaker = world.speaker(s)
            #expect(speaker == nil || row["speaker"] as? String == speaker, "\(row)")
            #expect(speaker == nil || row["speaker_id"] as? String == SafeName.make(speaker!, limit: 40))
            #expect((row["source"] as? [Any])?.count == 3)
            #expect(row["method"] as? String == "agreed")
        }

        // PyYAML and the line-aligned texts of MuST-C, and CoVoST's TSV.
        for target in ["en", "zh-Hant"] {
            let mustc = (read["mustc"] as? [String: [[String: Any]]] ?? [:]).filter { $0.key.hasPrefix(target + "/") }.values.flatMap { $0 }
            #expect(Set(mustc.map { segment($0["wav"] as? String ?? "") }) == exported)
            for row in mustc {
                let s = segment(row["wav"] as? String ?? "")
                #expect(row["source"] as? String == world.settled[s]?["ar"] && row["target"] as? String == world.settled[s]?[target])
                #expect(abs((row["duration"] as? Double ?? 0) - duration(s)) <= 0.001 && row["offset"] as? Double == 0)
            }
            let covost = (read["covost"] as? [String: [[String: String]]] ?? [:]).filter { $0.key.hasPrefix("covost_v2.ar_\(target).") }.values.flatMap { $0 }
            #expect(Set(covost.map { segment($0["path"] ?? "") }) == exported)
            for row in covost {
                let s = segment(row["path"] ?? "")
                #expect(row["sentence"] == world.settled[s]?["ar"] && row["translation"] == world.settled[s]?[target])
            }
            // translate-toolkit: TMX.
            let tmx = (read["tmx"] as? [String: [[String: String]]] ?? [:]).filter { $0.key.hasPrefix(target + "/") }.values.flatMap { $0 }
            #expect(Set(tmx.map { segment($0["id"] ?? "") }) == exported)
            for unit in tmx {
                let s = segment(unit["id"] ?? "")
                #expect(unit["source"] == world.settled[s]?["ar"] && unit["target"] == world.settled[s]?[target])
            }
        }

        // Per recording: subtitles, TextGrid tiers and ELAN tiers carry each exported text at its time.
        var byRecording: [Int: [Int64]] = [:]
        for s in world.exported { byRecording[world.segments[s]!.recording, default: []].append(s) }
        func key(_ name: String) -> Int? {
            // "<stem>_<recording id>.<...>": the store's recording ids are 1-based in order.
            Int(name.split(separator: ".")[0].split(separator: "_").last ?? "").map { $0 - 1 }
        }
        for language in ["ar", "en", "zh-Hant"] {
            for format in ["vtt", "srt"] {
                let files = (read[format] as? [String: [[String: Any]]] ?? [:]).filter { $0.key.hasSuffix(".\(language).\(format)") }
                #expect(files.count == byRecording.count, "\(format) \(language)")
                for (name, cues) in files {
                    let r = try #require(key(name))
                    let expected = (byRecording[r] ?? []).compactMap { world.settled[$0]?[language] }.joined()
                    let got = cues.map { ($0["text"] as? String ?? "").replacingOccurrences(of: "\n", with: language == "zh-Hant" ? "" : " ") }.joined()
                    #expect(got == expected, "\(name)")
                    let first = (byRecording[r] ?? []).compactMap { world.segments[$0]?.start }.min() ?? -1
                    #expect(abs((cues.first?["start"] as? Double ?? 0) - first) < 0.0011, "\(name)")
                }
            }
        }
        let grids = read["textgrid"] as? [String: [String: [[Any]]]] ?? [:]
        #expect(grids.count == byRecording.count)
        for (name, tiers) in grids {
            let r = try #require(key(name))
            // A tier per speaker and language, each holding that speaker's texts.
            for language in ["ar", "en", "zh-Hant"] {
                let mine = tiers.filter { $0.key.hasSuffix("[\(language)]") }
                for (tierName, intervals) in mine {
                    let label = String(tierName.dropLast(language.count + 3))
                    let expected = (byRecording[r] ?? []).filter { (world.speaker($0) ?? label) == label }
                    #expect(intervals.map { $0[2] as? String ?? "" } == expected.compactMap { world.settled[$0]?[language] }, "\(name) \(tierName)")
                    #expect(zip(intervals, expected).allSatisfy { abs(($0.0[0] as? Double ?? 0) - world.segments[$0.1]!.start) < 1e-9 })
                }
                #expect(mine.values.map(\.count).reduce(0, +) == (byRecording[r] ?? []).count, "\(name) \(language)")
            }
        }
        let eafs = read["eaf"] as? [String: [String: Any]] ?? [:]
        #expect(eafs.count == byRecording.count)
        for (name, doc) in eafs {
            let r = try #require(key(name))
            let tiers = doc["tiers"] as? [String: [[Any]]] ?? [:]
            let participants = doc["participants"] as? [String: String] ?? [:]
            #expect(doc["languages"] as? [String] == ["ar", "en", "zh-Hant"])
            var count = 0
            for (tierName, annotations) in tiers {
                let language = String(tierName.split(separator: "[").last?.dropLast() ?? "")
                let label = try #require(participants[tierName])
                #expect(tierName == "\(label) [\(language)]")
                let expected = (byRecording[r] ?? []).filter { (world.speaker($0) ?? label) == label }
                #expect(annotations.map { $0[2] as? String ?? "" } == expected.compactMap { world.settled[$0]?[language] }, "\(name) \(tierName)")
                if language == "ar" {
                    count += annotations.count
                    #expect(zip(annotations, expected).allSatisfy { ($0.0[0] as? Int) == Int((world.segments[$0.1]!.start * 1000).rounded()) })
                }
            }
            #expect(count == (byRecording[r] ?? []).count)
            // The media is the recording inside the corpus, by relative URL (the reader opened it).
            #expect((doc["media"] as? [String])?.first?.hasPrefix("../recordings/") == true)
        }

        // Every other reader: each segment's own speaker, its source, no speaker in two splits.
        var splitOf: [String: Set<String>] = [:]
        func check(_ reader: String, _ split: String, _ id: String, _ speaker: String?, source: [Any]?) {
            let s = segment(id)
            let expected = world.speaker(s)
            #expect(expected == nil || speaker == SafeName.make(expected!, limit: 40), "\(reader) \(id): \(speaker ?? "nil")")
            splitOf[expected ?? "recording \(world.segments[s]!.recording)", default: []].insert(split)
            #expect(source?.count == 3 && abs((source?[1] as? Double ?? -1) - world.segments[s]!.start) < 1e-6, "\(reader) \(id) source")
        }
        let nemo = read["nemo"] as? [String: [[String: Any]]] ?? [:]
        #expect(Set(nemo.values.flatMap { $0 }.map { segment($0["id"] as? String ?? "") }) == exported)
        for (split, rows) in nemo { for row in rows { check("nemo", split, row["id"] as? String ?? "", row["speaker"] as? String, source: row["source"] as? [Any]) } }
        let kaldi = read["kaldi"] as? [String: [String: String]] ?? [:]
        for (split, utt2spk) in kaldi {
            for (utterance, speaker) in utt2spk where world.speaker(segment(utterance)) != nil {
                #expect(speaker == SafeName.make(world.speaker(segment(utterance))!, limit: 40), "kaldi \(split) \(utterance)")
            }
        }
        #expect(Set(kaldi.values.flatMap(\.keys).map(segment)) == exported)
        let lhotse = read["lhotse"] as? [String: [String: [String: Any]]] ?? [:]
        #expect(Set(lhotse.values.flatMap(\.keys).map(segment)) == exported)
        for (split, rows) in lhotse { for (id, row) in rows { check("lhotse", split, id, row["speaker"] as? String, source: row["source"] as? [Any]) } }
        let shar = read["lhotse_shar"] as? [String: [String: [String: Any]]] ?? [:]
        #expect(Set(shar.values.flatMap(\.keys).map(segment)) == exported)
        for (split, rows) in shar {
            for (id, row) in rows {
                check("lhotse-shar", split, id, row["speaker"] as? String, source: row["source"] as? [Any])
                #expect(row["text"] as? String == world.settled[segment(id)]?["ar"])
                #expect(abs(Double(row["frames"] as? Int ?? 0) / 16_000 - duration(segment(id))) <= 0.001)
            }
        }
        let wds = read["webdataset"] as? [String: [String: Any]] ?? [:]
        var samples = 0
        for (split, shards) in wds {
            let rows = shards["rows"] as? [String: [String: Any]] ?? [:]
            samples += rows.count
            #expect((shards["shards"] as? Int ?? 0) >= (split == "train" ? 2 : 1), "\(split): --shard-size 0.1 cuts train into several shards")
            for (id, row) in rows {
                check("webdataset", split, id, row["speaker"] as? String, source: row["source"] as? [Any])
                #expect(row["text"] as? String == world.settled[segment(id)]?["ar"])
                #expect(abs(Double(row["frames"] as? Int ?? 0) / 16_000 - duration(segment(id))) <= 0.001)
            }
            #expect((read["webdataset_datasets"] as? [String: [String]])?[split] == rows.keys.sorted(), "datasets reads the same samples")
        }
        #expect(samples == exported.count)
        #expect(splitOf.values.allSatisfy { $0.count == 1 }, "no speaker in two splits: \(splitOf.filter { $0.value.count > 1 })")
        // WebVTT: a voice span names each known speaker.
        for (name, cues) in (read["vtt"] as? [String: [[String: Any]]] ?? [:]) where name.hasSuffix(".ar.vtt") {
            let r = try #require(key(name))
            let voices = Set(cues.compactMap { $0["voice"] as? String })
            #expect(voices == Set((byRecording[r] ?? []).compactMap { world.speaker($0) }.map { $0.replacingOccurrences(of: "\t", with: " ") }), "\(name)")
        }
    }
}
