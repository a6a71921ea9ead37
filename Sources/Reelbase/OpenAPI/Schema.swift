/// JSON-schema builders so each feature declares its request and response bodies compactly,
/// next to its routes (`<Feature>+OpenAPI.swift`).
public enum Schema {
    public static let string: JSONValue = ["type": "string"]
    public static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    public static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    public static let integer: JSONValue = ["type": "integer"]
    public static let number: JSONValue = ["type": "number"]
    public static let boolean: JSONValue = ["type": "boolean"]
    public static let anyObject: JSONValue = ["type": "object"]
    /// Any JSON value (e.g. a before/after pair of arbitrary fields).
    public static let anyValue: JSONValue = [:]
    /// Money in answers: a JSON number.
    public static let usd: JSONValue = ["type": "number"]
    /// Money in requests (Money): a JSON number or a plain decimal string, at most 6 decimals.
    public static let money: JSONValue = [
        "description": "USD, at most 6 decimals; a JSON number or a decimal string like \"12.50\" (nothing else in the string)",
        "oneOf": [["type": "number", "minimum": 0, "maximum": 999_999_999_999], ["type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,6})?$"]],
    ]

    public static func string(min: Int = 0, max: Int? = nil, pattern: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string"]
        if min > 0 { schema["minLength"] = .number(Double(min)) }
        if let max { schema["maxLength"] = .number(Double(max)) }
        if let pattern { schema["pattern"] = .string(pattern) }
        return .object(schema)
    }

    /// A name or title: 1 to `max` characters after trimming (so at least one non-space).
    public static func text(_ max: Int) -> JSONValue { string(min: 1, max: max, pattern: "\\S") }

    public static func integer(_ range: ClosedRange<Int64>) -> JSONValue {
        ["type": "integer", "minimum": .number(Double(range.lowerBound)), "maximum": .number(Double(range.upperBound))]
    }

    public static func number(min: Double, max: Double) -> JSONValue {
        ["type": "number", "minimum": .number(min), "maximum": .number(max)]
    }

    public static func array(_ items: JSONValue, max: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "array", "items": items]
        if let max { schema["maxItems"] = .number(Double(max)) }
        return .object(schema)
    }

    public static func oneOf(_ values: [String]) -> JSONValue { .object(["type": "string", "enum": .array(values.map { .string($0) })]) }

    /// One event of a `text/event-stream`, as its fields (`data` is the JSON text of the payload).
    public static let serverSentEvent: JSONValue = [
        "type": "object",
        "properties": ["id": ["type": "string"], "event": ["type": "string"], "data": ["type": "string"], "retry": ["type": "integer"]],
    ]

    /// A string map (e.g. label name → version number).
    public static func map(_ values: JSONValue) -> JSONValue { ["type": "object", "additionalProperties": values] }

    /// `null` allowed as well; in a `record`, also not required (Swift leaves nil fields out).
    public static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        switch fields["type"] {
        case .string(let type)?: fields["type"] = [.string(type), "null"]
        case .array(let types)?: fields["type"] = .array(types + ["null"])
        default: return ["anyOf": [schema, ["type": "null"]]]
        }
        if case .array(let values)? = fields["enum"] { fields["enum"] = .array(values + [.null]) }
        return .object(fields)
    }

    /// A request body: only `required` must be present; unknown fields are ignored by the API.
    public static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })])
    }

    /// A response body: every property is present except the `nullable` ones.
    public static func record(_ properties: [String: JSONValue]) -> JSONValue {
        object(properties, required: properties.filter { !isNullable($0.value) }.keys.sorted())
    }

    /// What every list answers: `{"data": [...], "next_cursor": "..." | null}`.
    public static func page(of item: JSONValue) -> JSONValue {
        record(["data": array(item), "next_cursor": nullable(string)])
    }

    static func isNullable(_ schema: JSONValue) -> Bool {
        guard case .object(let fields) = schema else { return false }
        if case .array(let types)? = fields["type"] { return types.contains("null") }
        if case .array(let options)? = fields["anyOf"] { return options.contains(["type": "null"]) }
        return false
    }
}

/// A documented query parameter with its type. A bare string literal is a plain string.
public struct QueryParameter: Sendable, ExpressibleByStringLiteral {
    public let name: String
    public let schema: JSONValue

    public init(_ name: String, _ schema: JSONValue = Schema.string) {
        self.name = name
        self.schema = schema
    }

    public init(stringLiteral name: String) { self.init(name) }

    public static func uuid(_ name: String) -> Self { .init(name, Schema.uuid) }
    public static func dateTime(_ name: String) -> Self { .init(name, Schema.dateTime) }
    public static func boolean(_ name: String) -> Self { .init(name, Schema.boolean) }
    public static func integer(_ name: String, _ range: ClosedRange<Int64>) -> Self { .init(name, Schema.integer(range)) }
    public static func oneOf(_ name: String, _ values: [String]) -> Self { .init(name, Schema.oneOf(values)) }

    /// `cursor` (opaque, from the previous page) and `limit` (1 to 200).
    public static let page: [Self] = [.init("cursor", Schema.string(max: 200)), .integer("limit", 1...200)]
}
