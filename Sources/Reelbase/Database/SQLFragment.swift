import PostgresNIO

/// A piece of SQL written like a `PostgresQuery` (interpolated values stay bind parameters),
/// kept apart so that a query can be put together from the pieces that apply: a list query
/// names only the filters a request gave, so the planner sees each one and picks its index.
struct SQLFragment: ExpressibleByStringInterpolation, Sendable {
    fileprivate typealias Part = @Sendable (inout PostgresQuery.StringInterpolation) throws -> Void
    fileprivate var parts: [Part] = []

    init(stringLiteral value: String) {
        parts = [{ $0.appendLiteral(value) }]
    }

    init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var parts: [Part] = []

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: String) {
            parts.append { $0.appendLiteral(literal) }
        }

        mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable & Sendable>(_ value: Value) {
            parts.append { try $0.appendInterpolation(value) }
        }

        /// NULL binds carry no type: the column or a cast must give it.
        mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable & Sendable>(_ value: Value?) {
            parts.append { try $0.appendInterpolation(value) }
        }

        mutating func appendInterpolation(_ fragment: SQLFragment) {
            parts.append(contentsOf: fragment.parts)
        }

        mutating func appendInterpolation(unescaped sql: String) {
            parts.append { $0.appendLiteral(sql) }
        }
    }
}

extension PostgresQuery.StringInterpolation {
    /// Appends a fragment; its values become this query's next bind parameters.
    mutating func appendInterpolation(_ fragment: SQLFragment) throws {
        for part in fragment.parts { try part(&self) }
    }

    /// Appends `a, b, …`: e.g. the rows of a multi-row VALUES.
    mutating func appendInterpolation(list fragments: [SQLFragment]) throws {
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { appendLiteral(", ") }
            try appendInterpolation(fragment)
        }
    }

    /// Appends `a AND b AND …` (`true` when there are none).
    mutating func appendInterpolation(all conditions: [SQLFragment]) throws {
        if conditions.isEmpty { appendLiteral("true") }
        for (index, condition) in conditions.enumerated() {
            if index > 0 { appendLiteral(" AND ") }
            appendLiteral("(")
            try appendInterpolation(condition)
            appendLiteral(")")
        }
    }
}

extension ListCursor {
    /// Keyset pagination: rows strictly after the cursor in `created_at DESC, id DESC` order.
    func after(_ table: String) -> SQLFragment {
        "(\(unescaped: table).created_at, \(unescaped: table).id) < (timestamptz 'epoch' + \(micros) * interval '1 microsecond', \(id))"
    }
}
