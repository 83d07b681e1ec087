import ChorusIngest
import Foundation
import Testing
import TestSupport

/// Every audio file in a folder is listed or reported, each real file once.
@Suite struct FolderWalkTests {
    @Test func oddNamesLoopsAndLinksAreReportedAndEachFileIsListedOnce() throws {
        let dir = try Fixtures.scratch("chorus-walk")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/in/sub", withIntermediateDirectories: true)
        let a = try Fixtures.write(Signals.speech(seconds: 1, rate: 16_000, seed: 1), to: dir + "/in/a.wav", rate: 16_000)
        try Fixtures.write(Signals.speech(seconds: 1, rate: 16_000, seed: 2), to: dir + "/in/sub/c.wav", rate: 16_000)
        // A Latin-1 name (é as one byte), as old archives and Windows copies have them.
        let latin1 = Array((dir + "/in/caf").utf8) + [0xE9] + Array(".wav".utf8) + [0]
        let fd = latin1.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        close(fd)
        // A second name for a.wav, a link to a file that is gone, and a link back up the tree.
        #expect(link(a, dir + "/in/b.wav") == 0)
        try fm.createSymbolicLink(atPath: dir + "/in/gone.flac", withDestinationPath: dir + "/nowhere.flac")
        try fm.createSymbolicLink(atPath: dir + "/in/sub/loop", withDestinationPath: dir + "/in")

        let (files, problems) = AudioPaths.expand([dir + "/in"])
        #expect(files == [dir + "/in/a.wav", dir + "/in/sub/c.wav"], "b.wav is a.wav; nothing is listed twice")
        let reasons = Dictionary(problems.map { ($0.path, $0.reason) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(reasons[dir + "/in/caf\\xE9.wav"]?.contains("not valid UTF-8") == true, "\(problems)")
        #expect(reasons[dir + "/in/gone.flac"]?.contains("does not exist") == true)
        #expect(reasons[dir + "/in/sub/loop"]?.contains("leads back to \(dir)/in") == true)
        #expect(problems.count == 3, "each problem once: \(problems)")

        // The command says so and exits non-zero; the good files are still segmented.
        let run = try ChorusProcess.run(["segment", dir + "/in", "--dry-run", "--json"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("caf\\xE9.wav") && run.stderr.contains("leads back to"), "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "\"file\":\"\(dir)/in/a.wav\"").count > 1)
        #expect(!run.stdout.contains("b.wav"))
    }
}
