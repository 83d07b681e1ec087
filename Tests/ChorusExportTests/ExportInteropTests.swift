import ChorusStore
import Foundation
import Testing
import TestSupport

/// Every format read back by its reference reader (datasets, PyYAML, translate-toolkit,
/// webvtt-py, pysrt, praatio, pympi-ling, soundfile, Python's csv as fairseq reads CoVoST) in
/// the interop virtual environment `make test` prepares, and compared with the store.
@Suite struct ExportInteropTests {
    static let script = Fixtures.packageRoot + "/Tests/ChorusExportTests/Interop/read_exports.py"

    @Test func theReferenceReadersLoadEveryFormatAsTheStoreHasIt() throws {
        guard let python = ProcessInfo.processInfo.environment["CHORUS_TEST_PYTHON"], !python.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSetupError("CHORUS_TEST_PYTHON is not set under CI: run through `make test`") }
            return
        }
        let world = try ExportWorld()
        let out = world.dir + "/corpus"
        let run = try world.export(["--format", "all"], out: out)
        #expect(run.status == 0, "\(run.stderr)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.script, out, "ar", "en,zh-Hant"]
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
            let speaker = ExportWorld.recordings[world.segments[s]!.recording].speaker
            #expect(speaker == nil || row["speaker"] as? String == speaker)
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
            let speaker = ExportWorld.recordings[r].speaker
            for language in ["ar", "en", "zh-Hant"] {
                let tier = tiers.first { $0.key.hasSuffix("[\(language)]") }
                #expect(speaker == nil || tier?.key == "\(speaker!) [\(language)]", "\(name)")
                let intervals = tier?.value ?? []
                #expect(intervals.map { $0[2] as? String ?? "" } == (byRecording[r] ?? []).compactMap { world.settled[$0]?[language] })
                #expect(zip(intervals, byRecording[r] ?? []).allSatisfy { abs(($0.0[0] as? Double ?? 0) - world.segments[$0.1]!.start) < 1e-9 })
            }
        }
        let eafs = read["eaf"] as? [String: [String: Any]] ?? [:]
        #expect(eafs.count == byRecording.count)
        for (name, doc) in eafs {
            let r = try #require(key(name))
            let tiers = doc["tiers"] as? [String: [[Any]]] ?? [:]
            #expect(Set(tiers.keys) == ["ar", "en", "zh-Hant"] && doc["languages"] as? [String] == ["ar", "en", "zh-Hant"])
            for (language, annotations) in tiers {
                #expect(annotations.map { $0[2] as? String ?? "" } == (byRecording[r] ?? []).compactMap { world.settled[$0]?[language] })
                #expect(zip(annotations, byRecording[r] ?? []).allSatisfy { ($0.0[0] as? Int) == Int((world.segments[$0.1]!.start * 1000).rounded()) })
            }
            let media = (doc["media"] as? [String])?.first.flatMap { URL(string: $0)?.path }
            #expect(media == world.audio + "/" + ExportWorld.recordings[r].file)
        }
    }
}
