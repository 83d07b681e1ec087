import Foundation
import ChorusSupport

/// One corpus in the making: a folder with `chorus.yaml` and a store.
public final class Project: Sendable {
    /// The project folder.
    public let folder: String
    /// The settings read from `chorus.yaml`.
    public let config: ProjectConfig
    /// Recordings, segments and the work on them.
    public let store: ProjectStore

    /// The files that are the project itself: `chorus.yaml` and, for a SQLite store, its
    /// database with its journal files. No output may replace them.
    public var ownFiles: [String] {
        var files = [folder + "/" + ProjectConfig.fileName]
        if !PostgresDatabase.isURL(config.database) {
            let database = folder + "/" + config.database
            files += [database, database + "-wal", database + "-shm"]
        }
        return files
    }

    private init(folder: String, config: ProjectConfig, database: SQLDatabase) {
        self.folder = folder
        self.config = config
        store = ProjectStore(database: database)
    }

    /// Creates a project in `folder` (made if missing): writes `chorus.yaml` atomically and
    /// creates and migrates the store.
    /// - Throws: ``ProjectError`` `.exists` when the folder already holds a project.
    public static func create(at folder: String, config: ProjectConfig) throws -> Project {
        if let problem = config.problem() { throw ProjectError(code: .invalidConfig, message: problem) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ProjectError(code: .invalidConfig, message: "cannot create the folder: \(error.localizedDescription)", path: folder)
        }
        return try withLock(folder) {
            let configPath = folder + "/" + ProjectConfig.fileName
            if FileManager.default.fileExists(atPath: configPath) {
                throw ProjectError(code: .exists, message: "already holds a Chorus project", path: folder)
            }
            let database = try Self.database(config, folder, create: true)
            try Migrations.apply(to: database)
            do {
                try Replacement.write(Data(config.yaml.utf8), to: configPath, sync: true)
            } catch let error as ReplacementError {
                throw ProjectError(code: .invalidConfig, message: "cannot write the project config: \(error.message)", path: configPath)
            }
            return Project(folder: folder, config: config, database: database)
        }
    }

    /// Opens the project in `folder`, bringing its store up to this build's schema.
    /// - Throws: ``ProjectError`` `.notAProject` without `chorus.yaml`, `.invalidConfig` for a bad
    ///   setting (naming it), `.newerSchema` for a store from a newer Chorus.
    /// - Parameter connections: for PostgreSQL, how many transactions may run at once (a
    ///   server's pool); SQLite runs its readers concurrently and its writers one at a time.
    public static func open(at folder: String, registry: LanguageRegistry? = LanguageRegistry.load(), connections: Int = 1) throws -> Project {
        let configPath = folder + "/" + ProjectConfig.fileName
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw ProjectError(
                code: .notAProject,
                message: "not a Chorus project (no \(ProjectConfig.fileName)); create one with `chorus init \(folder) --source-lang LANG`",
                path: folder)
        }
        let config = try ProjectConfig.read(path: configPath, registry: registry)
        return try withLock(folder, optional: true) {
            var database = try Self.database(config, folder, create: false)
            try Migrations.apply(to: database)
            if connections > 1, let first = database as? PostgresDatabase {
                database = ConnectionPool(url: config.database, size: connections, first: first)
            }
            return Project(folder: folder, config: config, database: database)
        }
    }

    /// The engine `database` names: PostgreSQL for a URL, else a SQLite file in the folder,
    /// created only by `create` (opening never makes an empty store in place of a lost one).
    static func database(_ config: ProjectConfig, _ folder: String, create: Bool) throws -> SQLDatabase {
        PostgresDatabase.isURL(config.database)
            ? try PostgresDatabase(url: config.database)
            : try SQLiteDatabase(path: folder + "/" + config.database, create: create)
    }

    /// Runs `body` holding an exclusive lock on `folder/.chorus.lock`: opening a new SQLite
    /// file (the switch to WAL) and migrating it must not race with another process doing the same.
    /// - Parameter optional: in a folder this user cannot write (a project opened for reading),
    ///   run without the lock: nothing will be created or migrated there.
    static func withLock<T>(_ folder: String, optional: Bool = false, _ body: () throws -> T) throws -> T {
        let path = folder + "/.chorus.lock"
        let fd = Foundation.open(path, O_RDWR | O_CREAT, 0o644)
        if fd < 0 && optional && [EACCES, EROFS, EPERM].contains(errno) { return try body() }
        guard fd >= 0 else {
            throw ProjectError(code: .store, message: "cannot create the lock file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw ProjectError(code: .store, message: "cannot lock: \(String(cString: strerror(errno)))", path: path)
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
