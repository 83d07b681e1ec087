/// A coder's value for one unit: a number or a category; nil when missing.
public enum CodedValue: Hashable, Sendable, Comparable {
    case number(Double)
    case category(String)

    public static func < (a: CodedValue, b: CodedValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): x < y
        // Categories sort by code points, as NumPy sorts strings.
        case let (.category(x), .category(y)): x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.number, .category): true
        case (.category, .number): false
        }
    }
}

/// Why agreement cannot be computed on some data.
public struct AgreementError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Krippendorff's alpha (Krippendorff 2011), computed as the `krippendorff` Python package
/// does: value counts per unit, the coincidence matrix, expected coincidences from its
/// margins, and the level's distance between values.
public enum KrippendorffAlpha {
    public enum Level: String, Sendable, CaseIterable {
        case nominal, ordinal, interval, ratio
    }

    /// - Parameter data: one row per coder, one column per unit; nil for a missing value.
    /// - Throws: ``AgreementError`` when all values are the same (no variation), when no unit
    ///   has two values, or when a non-nominal level gets categories.
    public static func alpha(_ data: [[CodedValue?]], level: Level) throws -> Double {
        let values = Set(data.flatMap { $0.compactMap { $0 } })
        let domain = values.sorted()
        if level != .nominal, domain.contains(where: { if case .category = $0 { true } else { false } }) {
            throw AgreementError("the \(level.rawValue) level needs numbers, and the data has categories")
        }
        guard domain.count > 1 else { throw AgreementError("all values are the same: agreement is undefined without variation") }
        let index = Dictionary(uniqueKeysWithValues: domain.enumerated().map { ($1, $0) })
        let v = domain.count
        let units = data.map(\.count).max() ?? 0
        // o: coincidences within units.
        var o = [Double](repeating: 0, count: v * v)
        var pairableUnits = 0
        for u in 0..<units {
            var counts = [Int](repeating: 0, count: v)
            var m = 0
            for row in data where u < row.count {
                if let value = row[u], let i = index[value] { counts[i] += 1; m += 1 }
            }
            if m >= 2 { pairableUnits += 1 }
            let pairable = Double(max(m, 2))
            for a in 0..<v where counts[a] > 0 {
                for b in 0..<v where counts[b] > 0 {
                    let pairs = Double(counts[a] * counts[b] - (a == b ? counts[a] : 0))
                    o[a * v + b] += pairs / (pairable - 1)
                }
            }
        }
        guard pairableUnits > 0 else { throw AgreementError("no unit has values from two or more coders") }
        var n = [Double](repeating: 0, count: v)
        for a in 0..<v { for b in 0..<v { n[b] += o[a * v + b] } }
        let total = n.reduce(0, +)
        var observed = 0.0, expected = 0.0
        for a in 0..<v {
            for b in 0..<v {
                let d = distance(a, b, domain, n, level)
                observed += o[a * v + b] * d
                let e = (n[a] * n[b] - (a == b ? n[a] : 0)) / (total - 1)
                expected += e * d
            }
        }
        return 1 - observed / expected
    }

    static func distance(_ a: Int, _ b: Int, _ domain: [CodedValue], _ n: [Double], _ level: Level) -> Double {
        func number(_ x: CodedValue) -> Double { if case .number(let d) = x { d } else { 0 } }
        switch level {
        case .nominal:
            return a == b ? 0 : 1
        case .ordinal:
            let lo = min(a, b), hi = max(a, b)
            var sum = 0.0
            for k in lo...hi { sum += n[k] }
            let d = sum - (n[lo] + n[hi]) / 2
            return d * d
        case .interval:
            let d = number(domain[a]) - number(domain[b])
            return d * d
        case .ratio:
            let x = number(domain[a]), y = number(domain[b])
            guard x + y != 0 else { return 0 }
            let d = (x - y) / (x + y)
            return d * d
        }
    }
}

/// Chance-corrected agreement on categories: Cohen's kappa for two coders, Fleiss' kappa
/// for more.
public enum Kappa {
    /// Cohen's kappa (1960) over the units both coders coded.
    public static func cohen(_ a: [CodedValue?], _ b: [CodedValue?]) throws -> Double {
        var pairs: [(CodedValue, CodedValue)] = []
        for (x, y) in zip(a, b) { if let x, let y { pairs.append((x, y)) } }
        guard !pairs.isEmpty else { throw AgreementError("no unit was coded by both coders") }
        let n = Double(pairs.count)
        let observed = Double(pairs.filter { $0.0 == $0.1 }.count) / n
        var first: [CodedValue: Double] = [:], second: [CodedValue: Double] = [:]
        for (x, y) in pairs { first[x, default: 0] += 1; second[y, default: 0] += 1 }
        var expected = 0.0
        for (k, c) in first { expected += (c / n) * ((second[k] ?? 0) / n) }
        guard expected < 1 else { throw AgreementError("both coders used one and the same category throughout: kappa is undefined without variation") }
        return (observed - expected) / (1 - expected)
    }

    /// Fleiss' kappa (1971); every unit must be coded by every coder.
    public static func fleiss(_ data: [[CodedValue?]]) throws -> Double {
        let raters = data.count
        let units = data.first?.count ?? 0
        guard raters >= 2, units > 0 else { throw AgreementError("Fleiss' kappa needs at least two coders and one unit") }
        var categories: [CodedValue: Int] = [:]
        var table: [[Int]] = []
        for u in 0..<units {
            var counts: [Int: Int] = [:]
            for (r, row) in data.enumerated() {
                guard u < row.count, let value = row[u] else {
                    throw AgreementError("coder \(r + 1) has no value for unit \(u + 1); Fleiss' kappa needs every unit coded by every coder")
                }
                let k = categories[value] ?? { let k = categories.count; categories[value] = k; return k }()
                counts[k, default: 0] += 1
            }
            table.append((0..<categories.count).map { counts[$0] ?? 0 })
        }
        let k = categories.count
        let n = Double(raters), big = Double(units)
        var p = [Double](repeating: 0, count: k)
        var agreement = 0.0
        for row in table {
            var s = 0.0
            for j in 0..<k {
                let c = Double(j < row.count ? row[j] : 0)
                p[j] += c
                s += c * (c - 1)
            }
            agreement += s / (n * (n - 1))
        }
        let pBar = agreement / big
        let pe = p.reduce(0) { $0 + ($1 / (big * n)) * ($1 / (big * n)) }
        guard pe < 1 else { throw AgreementError("every coder used one and the same category throughout: kappa is undefined without variation") }
        return (pBar - pe) / (1 - pe)
    }
}
