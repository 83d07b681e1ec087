import ArgumentParser
import ChorusServer
import ChorusStore
import Foundation
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the work API so people work from their own machines, each with their own token.",
        discussion: """
            Every request acts as the person whose token it carries and sees only what their task
            needs. Tokens come from `chorus annotators invite`. Serve a PostgreSQL project to run
            several instances behind nginx; a SQLite project serves one instance.

            It listens on loopback by default: put nginx with TLS in front (docs/team.md). It
            refuses plain HTTP on an address other machines reach unless --insecure-http is given.
            SIGTERM stops it gracefully: requests in flight finish, leases stay valid. Logs go to
            stderr as JSON Lines, without texts or tokens. The API is described at
            /v1/openapi.yaml; Prometheus metrics are at /metrics.

            Examples:
            $ chorus serve --project corpus
            $ chorus serve --project corpus --listen 127.0.0.1:8081 --connections 16
            $ chorus serve --project corpus --listen unix:/run/chorus/a.sock
            """
    )

    @OptionGroup var projectOptions: ProjectOptions

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT (port 0 picks one) or unix:PATH.", valueName: "address"))
    var listen = "127.0.0.1:8080"

    @Flag(help: "Allow plain HTTP on an address other machines reach (only behind a TLS proxy on a private network).")
    var insecureHTTP = false

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp("A browser origin allowed to call the API; repeat for more. None by default.", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Store transactions at once (PostgreSQL connections).", valueName: "n"))
    var connections = 8

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests a second each token may make on average (bursts of five times that).", valueName: "n"))
    var rateLimit = 20.0

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds a client may take to send a request's body.", valueName: "seconds"))
    var requestTimeout = 10.0

    func validate() throws {
        guard requestTimeout.isFinite, requestTimeout > 0, requestTimeout <= 600 else { throw ValidationError("--request-timeout is between 0 and 600 seconds") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections is between 1 and 256") }
        guard rateLimit.isFinite, rateLimit > 0, rateLimit <= 10_000 else { throw ValidationError("--rate-limit is between 0 and 10000") }
        for origin in corsOrigins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) || origin.hasSuffix("/") {
            throw ValidationError("--cors-origin \(origin): give an origin such as https://annotate.example.org (no path)")
        }
    }

    func run() throws {
        var options = ServerOptions()
        options.listen = try ServerOptions.listen(listen)
        options.insecureHTTP = insecureHTTP
        options.corsOrigins = corsOrigins
        options.connections = connections
        options.requestsPerSecond = rateLimit
        options.burst = rateLimit * 5
        options.bodySeconds = requestTimeout
        Console.verbose = projectOptions.verbose
        let project = try Project.open(at: projectOptions.project, connections: connections)
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        let logger = Logger(label: "chorus.serve")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await WorkServer.run(project: project, options: options, logger: logger) { address in
                    let line = "listening on \(address.hasPrefix("unix:") ? address : "http://" + address)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// How the server ended, handed from its task to the command.
    private final class Outcome: @unchecked Sendable {
        var error: (any Error)?
    }
}
