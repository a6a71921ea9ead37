#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// USD amounts: one scale everywhere (`numeric(18,6)` in SQL, `Decimal` in Swift, a JSON
/// number on the way out). Input is parsed strictly: a JSON number or a plain decimal string,
/// nothing trailing, at most `scale` decimals, within the column's range.
public enum Money {
    public static let scale = 6
    /// numeric(18,6) holds 12 integer digits.
    public static let limit = Decimal(string: "1000000000000")!

    /// A plain decimal: optional minus, digits, optionally a point and digits. No exponent,
    /// no spaces, no `NaN`, no trailing characters (Decimal(string:) would accept "12.5abc").
    public static func parse(_ text: String) -> Decimal? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 40 else { return nil }
        var index = scalars[0] == "-" ? 1 : 0
        var digitsBefore = 0, digitsAfter = 0, sawPoint = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "." && !sawPoint {
                sawPoint = true
            } else if ("0"..."9").contains(scalar) {
                if sawPoint { digitsAfter += 1 } else { digitsBefore += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard digitsBefore > 0, !sawPoint || digitsAfter > 0 else { return nil }
        return Decimal(string: text)
    }

    /// Digits after the point once trailing zeros are dropped (1.50 has 1).
    public static func decimals(of value: Decimal) -> Int {
        let text = value.description
        guard let point = text.firstIndex(of: ".") else { return 0 }
        var fraction = text[text.index(after: point)...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.count
    }

    /// Why `value` cannot be stored as money, or nil when it can. Sign is the caller's rule.
    public static func problem(with value: Decimal) -> String? {
        if value.isNaN { return "must be a number" }
        if decimals(of: value) > scale { return "has more than \(scale) decimals" }
        if abs(value) >= limit { return "must be below \(limit)" }
        return nil
    }
}

/// A money field that was not a valid amount: the API answers 400 (syntax) or 422 (value).
public struct MoneyInputError: Error, Sendable {
    public let field: String
    public let message: String
    public let isSyntax: Bool
}

/// Decodes one USD amount strictly from a JSON number or a decimal string ("12.50").
public struct USDAmount: Decodable, Sendable, Hashable {
    public let value: Decimal

    public init(_ value: Decimal) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let field = decoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        let parsed: Decimal?
        if let text = try? container.decode(String.self) {
            parsed = Money.parse(text)
        } else {
            parsed = try? container.decode(Decimal.self)
        }
        guard let value = parsed, !value.isNaN else {
            throw MoneyInputError(field: field, message: "`\(field)` must be an amount in USD: a JSON number or a decimal string like \"12.50\"", isSyntax: true)
        }
        if let problem = Money.problem(with: value) {
            throw MoneyInputError(field: field, message: "`\(field)` \(problem)", isSyntax: false)
        }
        self.value = value
    }
}
