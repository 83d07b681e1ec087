import ArgumentParser
import ChorusStore

/// `--project DIR`, the same on every command that works in a project.
struct ProjectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The project folder.", valueName: "dir"))
    var project: String = "."

    @Flag(help: "After an error, also print its cause (a database's full message).")
    var verbose = false

    /// Opens the project, or reports why it cannot be opened as one line.
    func open() throws -> Project {
        Console.verbose = verbose
        do {
            return try Project.open(at: project)
        } catch let error as ProjectError {
            throw CLIError(error.description, cause: error.cause)
        }
    }
}
