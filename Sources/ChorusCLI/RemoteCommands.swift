import ArgumentParser
import ChorusPlayback
import ChorusRemote
import ChorusTerminal
import ChorusStore
import Foundation

/// Where the loop on an annotator's machine keeps things: clips on their way to the speaker
/// (`$XDG_CACHE_HOME/chorus/clips`) and text the server would not take (`$XDG_DATA_HOME/chorus`).
enum RemoteClips {
    static var folder: String { base("XDG_CACHE_HOME", ".cache") + "/clips" }
    static var dataFolder: String { base("XDG_DATA_HOME", ".local/share") }

    private static func base(_ variable: String, _ fallback: String) -> String {
        let env = ProcessInfo.processInfo.environment
        return (env[variable].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/" + fallback)) + "/chorus"
    }

    /// A held task's clip, or one of the person's own submissions' (Ogg Opus, light on data),
    /// fetched ahead when it could be, decoded. The server adds a quarter of a second either
    /// side, so a word cut by a boundary can be heard.
    static func load(_ request: ClipRequest, from backend: JournaledBackend, into folder: String) throws -> LoadedClip {
        let context = request.context + RemoteWorkBackend.clipContext
        let bytes: Data
        let name: String
        switch request.of {
        case .task(let id):
            bytes = try (request.context == 0 ? backend.prefetchedClip(id) : nil)
                ?? backend.remote.clip(task: id, format: "opus", context: context)
            name = "task-\(id)"
        case .submission(let id):
            bytes = try backend.remote.clip(submission: id, format: "opus", context: context)
            name = "submission-\(id)"
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder + "/\(name)-\(getpid()).opus"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try bytes.write(to: URL(fileURLWithPath: file))
        let clip = try AudioClip.load(path: file, start: 0, end: request.end - request.start + 2 * context + 1)
        return LoadedClip(clip: clip, from: max(0, request.start - context))
    }
}

struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a Chorus server with the invite code you were given, to work from this machine.",
        discussion: """
            The code is exchanged once for a token, saved with the server's address in
            $XDG_CONFIG_HOME/chorus/login.json (mode 0600; ~/.config/chorus without
            XDG_CONFIG_HOME). After that, chorus transcribe, translate, review and me work through
            the server; the token is never needed on the command line. --ca names the
            certificate of a private certificate authority that signed the server's certificate.

            Examples:
            $ chorus login https://annotate.example.org --invite 7K2M-QX9P-0RTA-5VWB
            $ chorus login https://10.0.0.5:8443 --invite 7K2M-QX9P-0RTA-5VWB --ca team-ca.pem
            """)

    @Argument(help: ArgumentHelp("The server's address.", valueName: "url"))
    var server: String

    @Option(help: ArgumentHelp("The one-time invite code.", valueName: "code"))
    var invite: String

    @Option(name: .customLong("as"), help: ArgumentHelp("Who you are, checked against the invite.", valueName: "name"))
    var annotator: String?

    @Option(help: ArgumentHelp("A PEM file with the certificate authority that signed the server's certificate.", valueName: "file"))
    var ca: String?

    @Flag(help: "Allow plain http to another machine (only on a network you trust).")
    var insecureHTTP = false

    func run() throws {
        guard let url = URL(string: server) else { throw CLIError("\(server) is not a server address such as https://annotate.example.org") }
        try Login.check(url, insecureHTTP: insecureHTTP)
        if let ca { guard FileManager.default.isReadableFile(atPath: ca) else { throw CLIError("cannot read it", location: ca) } }
        let answer = try Login.exchange(server: url, code: invite, caFile: ca)
        if let annotator, annotator != answer.annotator {
            throw CLIError("--as \(annotator): the invite was for \(answer.annotator); that code is now used, ask for a new one")
        }
        try SavedLogin(server: url.absoluteString, annotator: answer.annotator, token: answer.token).save(caFrom: ca)
        print("logged in to \(url.absoluteString) as \(answer.annotator); chorus transcribe now works through it")
    }
}

struct LogoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Forget the saved login on this machine.",
        discussion: """
            The token stays valid on the server until the project's owner revokes it
            (chorus annotators revoke NAME); ask them to if this machine was lost.

            Examples:
            $ chorus logout
            """)

    func run() throws {
        let login = try? SavedLogin.load()
        if try SavedLogin.remove() {
            print("logged out\(login.map { " of \($0.server)" } ?? "")")
        } else {
            print("not logged in")
        }
    }
}

/// The saved login to work through, when a command runs remotely: `--server` given (it must be
/// the saved login's), or no project where `--project` points and a saved login.
func savedLogin(server: String?, project: String) throws -> SavedLogin? {
    if let server {
        guard let login = try SavedLogin.load() else { throw CLIError("--server \(server): log in first with chorus login \(server) --invite CODE") }
        guard login.server.trimmingCharacters(in: CharacterSet(charactersIn: "/")) == server.trimmingCharacters(in: CharacterSet(charactersIn: "/")) else {
            throw CLIError("--server \(server): this machine is logged in to \(login.server); run chorus login \(server) first")
        }
        return login
    }
    let local = FileManager.default.fileExists(atPath: project + "/" + ProjectConfig.fileName)
    return local ? nil : try SavedLogin.load()
}

/// The server's work API as the saved login's person.
func remoteBackend(_ login: SavedLogin) throws -> RemoteWorkBackend {
    guard let url = URL(string: login.server) else { throw CLIError("the saved login's server is not an address", location: SavedLogin.path) }
    return try RemoteWorkBackend(server: url, token: login.token, caFile: login.caFile)
}
