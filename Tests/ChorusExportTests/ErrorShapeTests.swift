import ChorusAudio
@testable import ChorusExport
import ChorusStore
import ChorusSupport
import Foundation
import Testing

/// Every module's errors have one shape: a code, a message, where, and what lies beneath.
@Suite struct ErrorShapeTests {
    @Test func everyModulesErrorIsOneLineWithACodeAndACauseChain() {
        let errors: [any ChorusError] = [
            ProjectError(code: .store, message: "store error: duplicate key", path: "postgres://db", cause: "ERROR:  duplicate key\nDETAIL:  Key (name)=(amina) already exists."),
            AudioError(code: .decode, path: "a.flac", message: "audio data is damaged after 9.7 s", cause: "flac decoder lost sync"),
            ExportError(.target, at: "/corpus", "holds files no export wrote (notes.txt)"),
        ]
        for error in errors {
            #expect(!error.errorCode.isEmpty && !error.errorCode.contains(" "))
            #expect(!error.description.contains("\n"), "\(error)")
            #expect(error.description.hasPrefix(error.location! + ": "))
        }
        #expect(errors[0].errorCode == "store")
        #expect(underlyingChain(of: errors[0]) == ["ERROR:  duplicate key\nDETAIL:  Key (name)=(amina) already exists."])
        #expect(underlyingChain(of: errors[2]).isEmpty)
        #expect(ExportError(.nothingToExport, at: nil, "nothing to export").errorCode == "nothing-to-export")
    }
}
