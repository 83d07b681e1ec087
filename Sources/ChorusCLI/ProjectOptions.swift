import ArgumentParser
import ChorusStore

/// `--project DIR`, the same on every command that works in a project.
struct ProjectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The project folder.", valueName: "dir"))
    var project: String = "."

    @Flag(help: "After an error, also print its cause (a database's full message).")
    var verbose = false

    /// Opens the project (its errors are printed by the root command, as one line).
    func open() throws -> Project {
        Console.verbose = verbose
        return try Project.open(at: project)
    }
}
