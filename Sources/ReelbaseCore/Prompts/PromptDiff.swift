/// One line of a line-based diff between two prompt texts.
public struct DiffLine: Sendable, Hashable {
    public enum Op: String, Sendable, Hashable {
        case context = " "
        case removed = "-"
        case added = "+"
    }

    public let op: Op
    public let text: String
    /// 1-based line number in the old text (nil for added lines).
    public let oldLine: Int?
    /// 1-based line number in the new text (nil for removed lines).
    public let newLine: Int?
    /// True for a text's last line when that text does not end with "\n".
    public let noNewlineAtEnd: Bool

    public init(op: Op, text: String, oldLine: Int?, newLine: Int?, noNewlineAtEnd: Bool = false) {
        self.op = op
        self.text = text
        self.oldLine = oldLine
        self.newLine = newLine
        self.noNewlineAtEnd = noNewlineAtEnd
    }
}

/// A run of changes with up to `context` unchanged lines around it, as in `diff -u`.
public struct DiffHunk: Sendable, Hashable {
    public let oldStart: Int
    public let oldCount: Int
    public let newStart: Int
    public let newCount: Int
    public let lines: [DiffLine]

    public var header: String {
        "@@ -\(Self.range(oldStart, oldCount)) +\(Self.range(newStart, newCount)) @@"
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}

public enum PromptDiff {
    /// Every line of both texts in order: unchanged, removed and added (Myers' algorithm,
    /// so the result is a shortest edit script). Removals come before additions.
    public static func lines(from old: String, to new: String) -> [DiffLine] {
        let a = split(old), b = split(new)
        var out: [DiffLine] = []
        var i = 0, j = 0
        for edit in MyersDiff.script(a, b) {
            switch edit {
            case .keep:
                out.append(DiffLine(op: .context, text: a[i].text, oldLine: i + 1, newLine: j + 1,
                                    noNewlineAtEnd: !a[i].hasNewline))
                i += 1; j += 1
            case .delete:
                out.append(DiffLine(op: .removed, text: a[i].text, oldLine: i + 1, newLine: nil,
                                    noNewlineAtEnd: !a[i].hasNewline))
                i += 1
            case .insert:
                out.append(DiffLine(op: .added, text: b[j].text, oldLine: nil, newLine: j + 1,
                                    noNewlineAtEnd: !b[j].hasNewline))
                j += 1
            }
        }
        return out
    }

    /// Groups changed lines into hunks with `context` unchanged lines on each side.
    public static func hunks(_ lines: [DiffLine], context: Int = 3) -> [DiffHunk] {
        let changed = lines.indices.filter { lines[$0].op != .context }
        guard !changed.isEmpty else { return [] }
        // Merge change positions whose context windows touch or overlap.
        var ranges: [ClosedRange<Int>] = []
        for index in changed {
            let low = max(0, index - context), high = min(lines.count - 1, index + context)
            if let last = ranges.last, low <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...high
            } else {
                ranges.append(low...high)
            }
        }
        return ranges.map { range in
            let slice = Array(lines[range])
            let oldCount = slice.filter { $0.op != .added }.count
            let newCount = slice.filter { $0.op != .removed }.count
            return DiffHunk(
                oldStart: startLine(slice, count: oldCount, \.oldLine, lines, before: range.lowerBound),
                oldCount: oldCount,
                newStart: startLine(slice, count: newCount, \.newLine, lines, before: range.lowerBound),
                newCount: newCount,
                lines: slice)
        }
    }

    /// A `diff -u` style rendering; empty when the texts are equal.
    public static func unified(from old: String, to new: String, oldLabel: String = "a",
                               newLabel: String = "b", context: Int = 3) -> String {
        let all = hunks(lines(from: old, to: new), context: context)
        guard !all.isEmpty else { return "" }
        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        for hunk in all {
            out += hunk.header + "\n"
            for line in hunk.lines {
                out += line.op.rawValue + line.text + "\n"
                if line.noNewlineAtEnd { out += "\\ No newline at end of file\n" }
            }
        }
        return out
    }

    // As in diff -u: a side with no lines in the hunk starts at the line before it.
    private static func startLine(_ slice: [DiffLine], count: Int, _ key: KeyPath<DiffLine, Int?>,
                                  _ all: [DiffLine], before lower: Int) -> Int {
        if let first = slice.lazy.compactMap({ $0[keyPath: key] }).first { return count == 0 ? first - 1 : first }
        return all[..<lower].lazy.compactMap({ $0[keyPath: key] }).last ?? 0
    }

    struct Line: Hashable {
        let text: String
        // Part of identity so that adding or dropping a final "\n" shows up as a change.
        let hasNewline: Bool
    }

    static func split(_ text: String) -> [Line] {
        guard !text.isEmpty else { return [] }
        var parts = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let endsWithNewline = parts.last == ""
        if endsWithNewline { parts.removeLast() }
        return parts.enumerated().map { index, part in
            Line(text: part, hasNewline: endsWithNewline || index < parts.count - 1)
        }
    }
}

/// Myers' O((N+M)·D) shortest edit script.
enum MyersDiff {
    enum Edit: Equatable { case keep, delete, insert }

    /// Past this many edits the texts are unrelated anyway: give up on a minimal script and
    /// replace everything, which bounds memory (the trace grows with D²) and time.
    static let maxEdits = 2_000

    static func script<T: Equatable>(_ a: [T], _ b: [T], maxEdits: Int = maxEdits) -> [Edit] {
        let n = a.count, m = b.count, maxD = n + m
        guard maxD > 0 else { return [] }
        let offset = maxD
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        // trace[d] holds v[-d...d] as it was before step d: all the backtrack reads.
        var trace: [[Int]] = []
        var found = false
        for d in 0...maxD {
            guard d <= maxEdits else { return replaceAll(n, m) }
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]      // step down: insertion
                } else {
                    x = v[offset + k - 1] + 1  // step right: deletion
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m { found = true; break }
            }
            if found { break }
        }
        // Walk the trace backwards to recover the path.
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let window = trace[d]
            let at = { (k: Int) in window[k + d] }
            let k = x - y
            let prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let prevX = d == 0 ? 0 : at(prevK)
            let prevY = prevX - prevK
            while x > prevX, y > prevY { edits.append(.keep); x -= 1; y -= 1 }
            if d > 0 { edits.append(x == prevX ? .insert : .delete) }
            x = prevX; y = prevY
        }
        return edits.reversed()
    }

    static func replaceAll(_ n: Int, _ m: Int) -> [Edit] {
        Array(repeating: .delete, count: n) + Array(repeating: .insert, count: m)
    }
}

/// The parts of a prompt version that a version-to-version comparison reports on.
public struct PromptVersionContent: Sendable, Hashable {
    public var text: String
    public var negativePrompt: String?
    /// The default parameters as JSON text (ideally PostgreSQL `jsonb::text`, which already
    /// has a canonical key order).
    public var defaultParamsJSON: String?

    public init(text: String, negativePrompt: String? = nil, defaultParamsJSON: String? = nil) {
        self.text = text
        self.negativePrompt = negativePrompt
        self.defaultParamsJSON = defaultParamsJSON
    }
}

public enum PromptField: String, Sendable, Hashable, CaseIterable {
    case text
    case negativePrompt = "negative_prompt"
    case defaultParams = "default_params"
}

extension PromptDiff {
    /// Which fields differ. JSON is compared ignoring whitespace outside strings;
    /// key order is not normalised here (jsonb output already is).
    public static func changedFields(from old: PromptVersionContent, to new: PromptVersionContent) -> [PromptField] {
        var fields: [PromptField] = []
        if old.text != new.text { fields.append(.text) }
        if old.negativePrompt != new.negativePrompt { fields.append(.negativePrompt) }
        if old.defaultParamsJSON.map(compactJSON) != new.defaultParamsJSON.map(compactJSON) {
            fields.append(.defaultParams)
        }
        return fields
    }

    static func compactJSON(_ json: String) -> String {
        var out: [UInt8] = []
        var inString = false, escaped = false
        for c in json.utf8 {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
                out.append(c)
            } else if c != 0x20, c != 0x09, c != 0x0A, c != 0x0D {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
