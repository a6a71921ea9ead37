import Foundation

/// RFC 4180 CSV cells, safe to open in a spreadsheet.
enum CSV {
    /// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"):
    /// `=`, `+`, `-`, `@`, and tab / carriage return, which some programs skip before looking.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// A text cell: defused when it could start a formula, then quoted when it needs to be.
    static func text(_ value: String) -> String {
        var cell = value
        if let first = cell.first, formulaStarts.contains(first) { cell = "'" + cell }
        return quoted(cell)
    }

    /// A figure we produced ourselves: plain digits, never guarded (a `-` here is a sign).
    static func number(_ value: Decimal) -> String {
        quoted(value.description)
    }

    /// Quotes a field that holds a comma, a quote or a line break, doubling the quotes inside.
    static func quoted(_ cell: String) -> String {
        // unicodeScalars: "\r\n" is one Character in Swift, so a Character search would miss it.
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record, CRLF-terminated as RFC 4180 says.
    static func line(_ cells: [String]) -> String {
        cells.joined(separator: ",") + "\r\n"
    }
}
