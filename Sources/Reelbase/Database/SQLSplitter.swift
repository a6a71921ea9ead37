/// Splits a migration file into single statements, because PostgresNIO's extended protocol
/// runs exactly one statement per query. Semicolons inside quotes, identifiers, comments
/// and dollar-quoted bodies do not end a statement.
public enum SQLSplitter {
    public static func split(_ sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false  // a statement made only of comments is dropped
        var i = 0

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode, !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        func take(_ count: Int) {
            current.append(contentsOf: chars[i..<min(i + count, chars.count)])
            i = min(i + count, chars.count)
        }
        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < chars.count ? chars[i + offset] : nil }

        while i < chars.count {
            let c = chars[i]
            switch c {
            case "-" where peek(1) == "-":
                while i < chars.count, chars[i] != "\n" { take(1) }
            case "/" where peek(1) == "*":
                var depth = 0  // PostgreSQL block comments nest
                repeat {
                    if chars[i] == "/", peek(1) == "*" { depth += 1; take(2) }
                    else if chars[i] == "*", peek(1) == "/" { depth -= 1; take(2) }
                    else { take(1) }
                } while depth > 0 && i < chars.count
            case "'":
                // E'...' strings treat backslash as an escape; standard strings only double the quote.
                let escapes = i > 0 && (chars[i - 1] == "E" || chars[i - 1] == "e") && (i < 2 || !isIdentifier(chars[i - 2]))
                hasCode = true
                take(1)
                while i < chars.count {
                    if escapes, chars[i] == "\\" { take(2); continue }
                    if chars[i] == "'" {
                        if peek(1) == "'" { take(2); continue }
                        take(1); break
                    }
                    take(1)
                }
            case "\"":
                hasCode = true
                take(1)
                while i < chars.count {
                    if chars[i] == "\"" {
                        if peek(1) == "\"" { take(2); continue }
                        take(1); break
                    }
                    take(1)
                }
            case "$" where dollarTag(chars, at: i) != nil && !(i > 0 && isIdentifier(chars[i - 1])):
                let tag = dollarTag(chars, at: i)!
                hasCode = true
                take(tag.count)
                while i < chars.count, !matches(chars, at: i, tag) { take(1) }
                take(tag.count)
            case ";":
                flush()
                i += 1
            default:
                if !c.properties.isWhitespace { hasCode = true }
                take(1)
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$name$` starting at `index`, if any.
    private static func dollarTag(_ chars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var j = index + 1
        while j < chars.count, chars[j] != "$" {
            guard isIdentifier(chars[j]), !(j == index + 1 && chars[j].properties.numericType != nil) else { return nil }
            j += 1
        }
        return j < chars.count ? Array(chars[index...j]) : nil
    }

    private static func matches(_ chars: [Unicode.Scalar], at index: Int, _ tag: [Unicode.Scalar]) -> Bool {
        index + tag.count <= chars.count && Array(chars[index..<index + tag.count]) == tag
    }

    private static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
    }
}
