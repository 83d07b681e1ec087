import ChorusSupport

/// An error about a project: its folder, config file, language tags or store.
public struct ProjectError: ChorusError {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable {
            case invalidLanguage, invalidConfig, exists, notAProject, store, newerSchema
            case notFound, notYours, invalidInput, nothingToDo, dailyCapReached, alreadySubmitted, unauthorized
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// The code's stable name (`not-found`, `store`, ...).
        public var name: String {
            switch value {
            case .invalidLanguage: "invalid-language"
            case .invalidConfig: "invalid-config"
            case .exists: "exists"
            case .notAProject: "not-a-project"
            case .store: "store"
            case .newerSchema: "newer-schema"
            case .notFound: "not-found"
            case .notYours: "not-yours"
            case .invalidInput: "invalid-input"
            case .nothingToDo: "nothing-to-do"
            case .dailyCapReached: "daily-cap-reached"
            case .alreadySubmitted: "already-submitted"
            case .unauthorized: "unauthorized"
            }
        }
        /// The code with this stable name (as a server's error answer carries it).
        public static func named(_ name: String) -> Code? {
            let all: [Code] = [.invalidLanguage, .invalidConfig, .exists, .notAProject, .store, .newerSchema, .notFound, .notYours,
                               .invalidInput, .nothingToDo, .dailyCapReached, .alreadySubmitted, .unauthorized]
            return all.first { $0.name == name }
        }

        /// A language tag that is not BCP-47.
        public static let invalidLanguage = Code(.invalidLanguage)
        /// The config file cannot be read or has a bad value.
        public static let invalidConfig = Code(.invalidConfig)
        /// `init` on a folder that already holds a project.
        public static let exists = Code(.exists)
        /// A folder without a project config file.
        public static let notAProject = Code(.notAProject)
        /// The database failed.
        public static let store = Code(.store)
        /// The store was written by a newer Chorus.
        public static let newerSchema = Code(.newerSchema)
        /// An annotator, task or segment that does not exist.
        public static let notFound = Code(.notFound)
        /// A task whose lease belongs to someone else, or was never this person's.
        public static let notYours = Code(.notYours)
        /// Empty text, a bad reason, a bad rate.
        public static let invalidInput = Code(.invalidInput)
        /// No task this person can do right now.
        public static let nothingToDo = Code(.nothingToDo)
        /// This person has worked the project's daily cap: no task until the next UTC day.
        public static let dailyCapReached = Code(.dailyCapReached)
        /// A different text for a task this person already submitted.
        public static let alreadySubmitted = Code(.alreadySubmitted)
        /// No token, or one that is wrong, revoked or an invite that expired or was used.
        public static let unauthorized = Code(.unauthorized)
    }

    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// The file the error concerns, if any.
    public var path: String?
    /// The underlying error's text, if any: what `--verbose` shows (a database's full message
    /// with its detail and hint lines).
    public var cause: String?
    /// The SQLSTATE of a PostgreSQL error, if any (`40P01` for a deadlock).
    public var sqlState: String?

    public init(code: Code, message: String, path: String? = nil, cause: String? = nil, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
        self.sqlState = sqlState
    }

    public var errorCode: String { code.name }
    public var location: String? { path }
    public var underlying: (any Error & Sendable)? { cause.map(LibraryMessage.init) }
}
