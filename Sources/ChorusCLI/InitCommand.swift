import ArgumentParser
import ChorusStore
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a project: a folder with chorus.yaml and a store.",
        discussion: """
            Writes a commented chorus.yaml (edit it freely) and creates the store, a SQLite file
            in WAL mode in the same folder. Language tags are BCP-47 (sw, en, pt-BR, zh-Hant),
            checked against the ISO code lists of Debian's iso-codes package.

            Examples:
            $ chorus init kiswahili --source-lang sw --target-lang en --target-lang fr
            $ chorus init interviews --source-lang en --redundancy 3
            $ chorus init radio --source-lang sw --target-lang en --currency KES --pay-floor 450
            $ chorus init calls --source-lang ur --pay-model hour --pay-rate 500 --currency PKR --pay-floor 450
            $ chorus init team --source-lang sw --target-lang en --database postgres://chorus@db.example/team
            """
    )

    @Argument(help: ArgumentHelp("The folder to create the project in (made if missing).", valueName: "dir"))
    var folder: String

    @Option(help: ArgumentHelp("The language spoken in the recordings.", valueName: "tag"))
    var sourceLang: String

    @Option(help: ArgumentHelp("A language to translate into; repeat for several.", valueName: "tag"))
    var targetLang: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Transcription tasks per segment.", valueName: "n"))
    var redundancy: Int = 2

    @Option(help: ArgumentHelp("A PostgreSQL URL for a team's store, instead of a SQLite file in the folder.", valueName: "postgres://..."))
    var database: String?

    @Option(help: ArgumentHelp("The ISO 4217 currency of every amount (default USD).", valueName: "code"))
    var currency: String?

    @Option(help: ArgumentHelp("The least effective hourly pay the project stands by, in that currency.", valueName: "amount"))
    var payFloor: String?

    @Option(help: ArgumentHelp("How people without a rate of their own are paid: none, hour, audio-minute or task (pay_model).", valueName: "model"))
    var payModel: String?

    @Option(help: ArgumentHelp("The amount per --pay-model unit, in the project's currency (pay_rate).", valueName: "amount"))
    var payRate: String?

    @Flag(help: "Print the created project as JSON.")
    var json = false

    func validate() throws { _ = try projectConfig() }

    /// The settings from the flags, or a usage error saying which flag is wrong.
    func projectConfig() throws -> ProjectConfig {
        let registry = LanguageRegistry.load()
        var config: ProjectConfig
        do {
            config = ProjectConfig(
                sourceLanguage: try LanguageTag(sourceLang, registry: registry),
                targetLanguages: try targetLang.map { try LanguageTag($0, registry: registry) })
        } catch let error as ProjectError {
            throw ValidationError(error.message)
        }
        config.redundancy = redundancy
        if let database { config.database = database }
        if let currency { config.currency = currency.uppercased() }
        if let payFloor { config.payFloor = payFloor }
        if let payModel {
            guard let model = PayModel(rawValue: payModel) else {
                throw ValidationError("--pay-model: none, hour, audio-minute or task, not '\(payModel)'")
            }
            config.payModel = model
        }
        if let payRate { config.payRate = payRate }
        if let problem = config.problem() { throw ValidationError(problem) }
        return config
    }

    func run() throws {
        let config = try projectConfig()
        _ = try Project.create(at: folder, config: config)
        if json {
            let targets = config.targetLanguages.map { "\"\($0)\"" }.joined(separator: ",")
            print("{\"project\":\(jsonString(folder)),\"source_language\":\"\(config.sourceLanguage)\",\"target_languages\":[\(targets)],\"database\":\(jsonString(config.database))}")
        } else {
            print("created project \(folder): \(config.sourceLanguage) → \(config.targetLanguages.isEmpty ? "(transcription only)" : config.targetLanguages.map(\.value).joined(separator: ", "))")
            let store = PostgresDatabase.isURL(config.database) ? PostgresDatabase.redact(config.database) : "\(folder)/\(config.database)"
            print("settings in \(folder)/\(ProjectConfig.fileName); store in \(store)")
        }
    }
}
