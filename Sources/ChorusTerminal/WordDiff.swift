/// Which words of each text are not shared with the others, for highlighting competing
/// transcripts in review: a word is marked when it is outside the longest common subsequence
/// of words with any other version.
public enum WordDiff {
    /// For each text, its words and whether each differs from at least one other version.
    public static func mark(_ texts: [String]) -> [[(word: String, differs: Bool)]] {
        let words = texts.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        return words.enumerated().map { i, mine in
            var differs = [Bool](repeating: false, count: mine.count)
            for (j, other) in words.enumerated() where j != i {
                let common = commonIndices(mine, other)
                for k in mine.indices where !common.contains(k) { differs[k] = true }
            }
            return zip(mine, differs).map { ($0, $1) }
        }
    }

    /// Indices into `a` of one longest common subsequence with `b`, comparing words without
    /// case or trailing punctuation.
    static func commonIndices(_ a: [String], _ b: [String]) -> Set<Int> {
        let x = a.map(key), y = b.map(key)
        let n = x.count, m = y.count
        guard n > 0, m > 0 else { return [] }
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = x[i] == y[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out = Set<Int>()
        var i = 0, j = 0
        while i < n && j < m {
            if x[i] == y[j] { out.insert(i); i += 1; j += 1 } else if table[i + 1][j] >= table[i][j + 1] { i += 1 } else { j += 1 }
        }
        return out
    }

    static func key(_ word: String) -> String {
        word.lowercased().trimmingCharacters(in: .punctuationCharacters)
    }
}

import Foundation
