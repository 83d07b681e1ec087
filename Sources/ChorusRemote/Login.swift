import ChorusAPI
import ChorusStore
import ChorusSupport
import Foundation

/// The login `chorus login` saves for the loop on an annotator's machine: the server, whose
/// token it is, the token, and the CA that signs the server's certificate when it is a
/// private one. Kept in `$XDG_CONFIG_HOME/chorus/login.json` (else `~/.config/chorus`), mode
/// 0600 in a 0700 folder; the token is never taken on the command line or written elsewhere.
public struct SavedLogin: Codable, Sendable, Equatable {
    public var server: String
    public var annotator: String
    public var token: String
    /// A CA certificate (PEM) copied beside the login, when the server's is not publicly signed.
    public var caFile: String?

    enum CodingKeys: String, CodingKey { case server, annotator, token, caFile = "ca_file" }

    public init(server: String, annotator: String, token: String, caFile: String? = nil) {
        self.server = server
        self.annotator = annotator
        self.token = token
        self.caFile = caFile
    }

    /// The folder: `$XDG_CONFIG_HOME/chorus`, else `~/.config/chorus`.
    public static var folder: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/chorus"
    }

    public static var path: String { folder + "/login.json" }

    /// The saved login, or nil when there is none.
    /// - Throws: ``ProjectError`` `.invalidConfig` for a file that is not a login.
    public static func load() throws -> SavedLogin? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(SavedLogin.self, from: data)
        } catch {
            throw ProjectError(code: .invalidConfig, message: "not a saved login; run chorus login again", path: path)
        }
    }

    /// Saves it, replacing an earlier one: written to a temporary name with mode 0600 and
    /// renamed, in a folder made with mode 0700. A CA file is copied beside it.
    public func save(caFrom source: String? = nil) throws {
        var saved = self
        let folder = Self.folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if let source {
                let copy = folder + "/server-ca.pem"
                let pem = try Data(contentsOf: URL(fileURLWithPath: source))
                guard String(decoding: pem, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                    throw ProjectError(code: .invalidInput, message: "not a PEM certificate", path: source)
                }
                try Self.writePrivately(pem, to: copy)
                saved.caFile = copy
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try Self.writePrivately(try encoder.encode(saved), to: Self.path)
        } catch let error as ProjectError {
            throw error
        } catch {
            throw ProjectError(code: .invalidConfig, message: "cannot save the login: \(error.localizedDescription)", path: Self.path)
        }
    }

    /// Removes the saved login (and the CA copied with it). Returns whether there was one.
    @discardableResult
    public static func remove() throws -> Bool {
        let existed = FileManager.default.fileExists(atPath: path)
        for file in [path, folder + "/server-ca.pem"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
        return existed
    }

    private static func writePrivately(_ data: Data, to path: String) throws {
        do {
            try Replacement.write(data, to: path, permissions: 0o600, sync: true)
        } catch {
            throw ProjectError(code: .invalidConfig, message: "cannot save \(path): \(error.message)")
        }
    }
}

public enum Login {
    /// Whether `url` may be used: https anywhere, http only to this machine unless allowed.
    /// - Throws: ``ProjectError`` `.invalidInput` saying why not.
    public static func check(_ url: URL, insecureHTTP: Bool) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw ProjectError(code: .invalidInput, message: "\(url.absoluteString) is not a server address such as https://annotate.example.org")
        }
        let local = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        if scheme == "http" && !local && !insecureHTTP {
            throw ProjectError(code: .invalidInput, message: "\(url.absoluteString) is plain http to another machine: your token and texts would cross the network unencrypted; use https, or --insecure-http on a network you trust")
        }
    }

    /// Exchanges an invite code for a token at `server`.
    /// - Throws: ``ProjectError`` `.unauthorized` for a code the server refuses, `.store` when it
    ///   cannot be reached.
    public static func exchange(server: URL, code: String, caFile: String? = nil, timeout: Double = 30) throws -> (token: String, annotator: String) {
        let data = try RemoteWorkBackend.send(try HTTPClient(caFile: caFile, timeout: timeout), server, nil, "POST", "/v1/login", LoginBody(code: code))
        let answer: LoginAnswer = try RemoteWorkBackend.decode(data)
        return (answer.token, answer.annotator)
    }
}
