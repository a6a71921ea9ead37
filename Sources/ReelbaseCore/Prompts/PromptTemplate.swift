/// A prompt text with `{{variable}}` placeholders.
///
/// The rule, applied left to right in one pass:
/// - A placeholder is `{{`, optional ASCII whitespace (space, tab, CR, LF), a name matching
///   `[A-Za-z_][A-Za-z0-9_.-]*`, optional ASCII whitespace, then `}}`.
/// - Any `{{` that does not complete such a placeholder is literal text and is left alone,
///   e.g. `{{ }}`, `{{1x}}`, `{{a b}}`, `{{name` (unclosed). `{{{x}}}` renders as `{` + x + `}`.
/// - Substituted values are inserted verbatim and never re-scanned, so a value that itself
///   contains `{{other}}` stays as written (no injection through values).
/// - There is no escape syntax: a text that needs a literal `{{name}}` cannot have one.
public struct PromptTemplate: Sendable, Hashable {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    public let text: String
    public let segments: [Segment]

    public init(_ text: String) {
        self.text = text
        self.segments = PromptTemplate.parse(text)
    }

    /// The distinct variable names in order of first appearance.
    public var variables: [String] {
        var seen = Set<String>()
        var names: [String] = []
        for case .variable(let name) in segments where seen.insert(name).inserted {
            names.append(name)
        }
        return names
    }

    /// Replaces every placeholder. Extra entries in `values` are ignored.
    /// - Throws: `MissingVariablesError` listing every missing name, sorted, at once.
    public func render(_ values: [String: String]) throws(MissingVariablesError) -> String {
        let missing = variables.filter { values[$0] == nil }.sorted()
        guard missing.isEmpty else { throw MissingVariablesError(names: missing) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for segment in segments {
            switch segment {
            case .literal(let s): out += s
            case .variable(let name): out += values[name]!
            }
        }
        return out
    }
}

extension PromptTemplate {
    public enum RenderError: Error, Sendable, Hashable {
        /// Sorted, without duplicates.
        case missing([String])
        /// The output would pass `limit` characters; rendering stopped there.
        case tooLong(limit: Int)
    }

    /// Like `render(_:)`, but stops as soon as the output passes `maxCharacters`, so a short
    /// template repeating a large value never builds the huge string. `value` is asked once per
    /// distinct name (to report every missing one), then once per placeholder as the output
    /// grows, and never again once the limit is passed.
    public func render(maxCharacters: Int, value: (String) -> String?) throws(RenderError) -> String {
        let missing = variables.filter { value($0) == nil }.sorted()
        guard missing.isEmpty else { throw .missing(missing) }
        var out = ""
        var length = 0
        for segment in segments {
            let piece: String
            switch segment {
            case .literal(let s): piece = s
            case .variable(let name): piece = value(name) ?? ""
            }
            length += piece.count
            guard length <= maxCharacters else { throw .tooLong(limit: maxCharacters) }
            out += piece
        }
        return out
    }

    public func render(_ values: [String: String], maxCharacters: Int) throws(RenderError) -> String {
        try render(maxCharacters: maxCharacters) { values[$0] }
    }
}

public struct MissingVariablesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Sorted, without duplicates.
    public let names: [String]

    public var description: String {
        "missing prompt variables: " + names.joined(separator: ", ")
    }
}

extension PromptTemplate {
    // Works on UTF-8 bytes: every delimiter is ASCII, so cut points are always valid
    // String boundaries and multi-byte characters pass through untouched.
    static func parse(_ text: String) -> [Segment] {
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var literalStart = 0
        var i = 0
        while i < bytes.count {
            if let (name, end) = placeholder(in: bytes, at: i) {
                if literalStart < i {
                    segments.append(.literal(String(decoding: bytes[literalStart..<i], as: UTF8.self)))
                }
                segments.append(.variable(name))
                i = end
                literalStart = end
            } else {
                i += 1
            }
        }
        if literalStart < bytes.count {
            segments.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self)))
        }
        return segments
    }

    /// If a placeholder starts at `start`, its name and the index just past its `}}`.
    private static func placeholder(in b: [UInt8], at start: Int) -> (String, Int)? {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        guard start + 1 < b.count, b[start] == open, b[start + 1] == open else { return nil }
        var i = start + 2
        while i < b.count, isSpace(b[i]) { i += 1 }
        let nameStart = i
        guard i < b.count, isNameHead(b[i]) else { return nil }
        i += 1
        while i < b.count, isNameTail(b[i]) { i += 1 }
        let nameEnd = i
        while i < b.count, isSpace(b[i]) { i += 1 }
        guard i + 1 < b.count, b[i] == close, b[i + 1] == close else { return nil }
        return (String(decoding: b[nameStart..<nameEnd], as: UTF8.self), i + 2)
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }

    private static func isNameHead(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
    }

    private static func isNameTail(_ c: UInt8) -> Bool {
        isNameHead(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }
}
