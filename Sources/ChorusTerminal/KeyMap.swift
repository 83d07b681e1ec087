/// What a configurable key does in the annotation loop.
public enum Action: String, CaseIterable, Sendable {
    case submit, replay, pause, rewind, forward, slower, faster, loop, around, back, boundaries, timestamp, skip, tag, speaker, undo, redo, help, quit

    /// oTranscribe-like defaults. The first key of each is one every common terminal sends
    /// (tmux, GNOME Terminal, Windows Terminal and macOS Terminal, locally or over SSH): a
    /// Ctrl-letter, Tab, Enter or Escape wherever one is free. Ctrl-arrows (taken by macOS
    /// for Spaces and Mission Control) and function keys (taken by some terminals, and
    /// behind fn on Mac keyboards) come after it.
    public var defaultKeys: [String] {
        switch self {
        case .submit: ["enter"]
        case .replay: ["tab", "ctrl-space"]
        case .pause: ["ctrl-p", "escape"]
        case .rewind: ["ctrl-r", "ctrl-left", "f1"]
        case .forward: ["ctrl-f", "ctrl-right", "f2"]
        case .slower: ["f3", "ctrl-down"]
        case .faster: ["f4", "ctrl-up"]
        case .loop: ["ctrl-l"]
        case .around: ["ctrl-n", "f8"]
        case .back: ["ctrl-d", "f5"]
        case .boundaries: ["ctrl-b", "f9"]
        case .timestamp: ["ctrl-x", "f7"]
        case .skip: ["ctrl-s"]
        case .tag: ["ctrl-t"]
        case .speaker: ["ctrl-o", "f6"]
        case .undo: ["ctrl-z"]
        case .redo: ["ctrl-y"]
        case .help: ["ctrl-g", "f10"]
        case .quit: ["ctrl-q"]
        }
    }

    /// How the help line names it.
    public var label: String {
        switch self {
        case .submit: "submit"
        case .replay: "replay"
        case .pause: "pause/play"
        case .rewind: "back"
        case .forward: "ahead"
        case .slower: "slower"
        case .faster: "faster"
        case .loop: "loop"
        case .around: "hear around"
        case .back: "go back"
        case .boundaries: "boundaries"
        case .timestamp: "timestamp"
        case .skip: "skip"
        case .tag: "tag"
        case .speaker: "speaker"
        case .undo: "undo"
        case .redo: "redo"
        case .help: "keys"
        case .quit: "quit"
        }
    }
}

/// Keys to actions: the defaults, with the project's `keys:` settings on top.
public struct KeyMap: Sendable {
    public private(set) var keys: [Action: [Key]] = [:]
    private var actions: [Key: Action] = [:]

    /// - Parameter overrides: action name to key names, from chorus.yaml.
    /// - Throws: ``TerminalError`` naming the setting when an action or key name is unknown
    ///   or one key is given two actions.
    public init(overrides: [String: [String]] = [:]) throws {
        for name in overrides.keys where Action(rawValue: name) == nil {
            throw TerminalError(location: "keys.\(name)", "no such action (actions: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        for action in Action.allCases {
            let names = overrides[action.rawValue] ?? action.defaultKeys
            keys[action] = try names.map { name in
                guard let key = Key(name: name) else { throw TerminalError(location: "keys.\(action.rawValue)", "'\(name)' is not a key name (examples: tab, ctrl-space, alt-left, f2)") }
                return key
            }
        }
        // An override takes its key from any default that had it.
        for action in Action.allCases where overrides[action.rawValue] != nil {
            for key in keys[action] ?? [] {
                for other in Action.allCases where other != action && overrides[other.rawValue] == nil {
                    keys[other]?.removeAll { $0 == key }
                }
            }
        }
        for action in Action.allCases {
            for key in keys[action] ?? [] {
                if let taken = actions[key], taken != action {
                    throw TerminalError(location: "keys", "\(key) is given to both \(taken.rawValue) and \(action.rawValue)")
                }
                actions[key] = action
            }
        }
    }

    public func action(for key: Key) -> Action? { actions[key] }

    /// The first key for `action`, as the help line shows it.
    public func name(of action: Action) -> String { keys[action]?.first?.description ?? "—" }
}
