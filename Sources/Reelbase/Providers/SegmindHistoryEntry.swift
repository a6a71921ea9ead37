import Foundation

/// One request in Segmind's request history (the provider's own books), as the official SDK
/// 1.3.0 documents a row: `request_id`, `model_name`, `model_status`, `credits_deduction` (USD),
/// `request_body` (the inputs as sent), `generation_url`, `latency_ms`, timestamps, `error`.
/// Only `request_id` must be there; every other field is read leniently (upstream spellings
/// are unconfirmed) and is nil when absent or unreadable.
public struct SegmindHistoryEntry: Sendable, Equatable, Decodable {
    public var requestID: String
    public var model: String?
    /// `COMPLETED`, `FAILED` or `PENDING` (upper-cased as received).
    public var status: String?
    /// What the provider deducted for it; 0 for a failure.
    public var cost: Decimal?
    public var requestBody: JSONValue?
    public var outputURL: String?
    public var latencyMS: Int?
    public var createdAt: Date?
    public var updatedAt: Date?
    public var error: String?

    public init(
        requestID: String, model: String?, status: String?, cost: Decimal?, requestBody: JSONValue?,
        outputURL: String? = nil, createdAt: Date?, updatedAt: Date? = nil, latencyMS: Int? = nil, error: String? = nil
    ) {
        self.requestID = requestID
        self.model = model
        self.status = status
        self.cost = cost
        self.requestBody = requestBody
        self.outputURL = outputURL
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.latencyMS = latencyMS
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case request_id, model_name, model_status, credits_deduction, request_body
        case generation_url, latency_ms, created_at, updated_at, error
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestID = try c.decode(String.self, forKey: .request_id)
        model = try? c.decodeIfPresent(String.self, forKey: .model_name)
        status = (try? c.decodeIfPresent(String.self, forKey: .model_status))?.uppercased()
        cost = c.decimalIfPresent(forKey: .credits_deduction)
        requestBody = Self.body(try? c.decodeIfPresent(JSONValue.self, forKey: .request_body))
        outputURL = try? c.decodeIfPresent(String.self, forKey: .generation_url)
        latencyMS = (try? c.decodeIfPresent(Double.self, forKey: .latency_ms)).map { Int($0) }
        createdAt = Self.date(try? c.decodeIfPresent(String.self, forKey: .created_at))
        updatedAt = Self.date(try? c.decodeIfPresent(String.self, forKey: .updated_at))
        error = (try? c.decodeIfPresent(ProviderJSON.self, forKey: .error))?.message
    }

    public var isCompleted: Bool { status == "COMPLETED" }
    public var isFailed: Bool { status == "FAILED" }

    /// Some stores keep a body as JSON text: read it as the object it encodes.
    private static func body(_ value: JSONValue?) -> JSONValue? {
        guard let value else { return nil }
        if case .string(let text) = value, case .object = JSONValue.parse(text) { return JSONValue.parse(text) }
        return value == .null ? nil : value
    }

    /// The same lenient timestamp reading as the rate-limit header: ISO 8601 with or without
    /// a zone (UTC then), or epoch seconds.
    private static func date(_ raw: String?) -> Date? {
        raw.flatMap(RateLimitReset.parse)
    }

    /// What a person needs to recognise the request (the body itself can be large).
    var evidence: JSONValue {
        var fields: [String: JSONValue] = ["request_id": .string(requestID)]
        fields["model"] = model.map(JSONValue.string)
        fields["status"] = status.map(JSONValue.string)
        fields["cost_usd"] = cost.map { .string("\($0)") }
        fields["created_at"] = createdAt.map { .string($0.iso8601WithFraction) }
        fields["output_url"] = outputURL.map(JSONValue.string)
        fields["error"] = error.map(JSONValue.string)
        return .object(fields)
    }
}

/// A page of the history. The envelope is undocumented upstream ("paginated dictionary"):
/// the rows are read from `data` (or `items`, `results`, `requests`, `rows`, or a bare list).
/// A row without a `request_id` makes the page unreadable rather than silently shorter.
struct SegmindHistoryPage: Decodable {
    var rows: [SegmindHistoryEntry]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let list = try? decoder.singleValueContainer().decode([SegmindHistoryEntry].self) {
            rows = list
            return
        }
        let c = try decoder.container(keyedBy: Key.self)
        for name in ["data", "items", "results", "requests", "rows"] where c.contains(Key(stringValue: name)) {
            rows = try c.decode([SegmindHistoryEntry].self, forKey: Key(stringValue: name))
            return
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no list of requests in the history page"))
    }
}
