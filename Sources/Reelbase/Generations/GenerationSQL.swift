import NIOCore
import PostgresNIO

/// States travel as bind parameters (text), never as literals in Swift SQL.
/// (Spelled out: being Codable too, the enum would otherwise match two default encodings.)
extension GenerationState: PostgresNonThrowingEncodable, PostgresDecodable {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        rawValue.encode(into: &byteBuffer, context: context)
    }

    public init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
                                                  context: PostgresDecodingContext<JSONDecoder>) throws {
        guard let state = GenerationState(rawValue: try String(from: &buffer, type: type, format: format, context: context)) else {
            throw PostgresDecodingError.Code.failure
        }
        self = state
    }
}

/// SQL pieces that several generation writes share, kept in one place.
enum GenerationSQL {
    /// The lease is gone: no worker holds the job now.
    static let clearLease: SQLFragment = "lease_token = NULL, lease_expires_at = NULL"

    /// A person asked to cancel while the job was with the provider: wherever it was going,
    /// it ends `cancelled` instead.
    static func unlessCancelRequested(_ next: GenerationState) -> SQLFragment {
        "CASE WHEN state = \(GenerationState.cancelRequested) THEN \(GenerationState.cancelled) ELSE \(next) END"
    }

    /// `state IN (…)`, each state a bind parameter.
    static func stateIn(_ states: GenerationState..., column: String = "state") -> SQLFragment {
        var fragment: SQLFragment = "\(unescaped: column) IN ("
        for (index, state) in states.enumerated() {
            fragment = index == 0 ? "\(fragment)\(state)" : "\(fragment), \(state)"
        }
        return "\(fragment))"
    }

    /// Holding a provider slot of the job's account (counted against its concurrency limit).
    static func inFlight() -> SQLFragment { stateIn(.submitting, .submitted, .cancelRequested) }
}
