import NIOCore
import PostgresNIO

/// States travel as bind parameters (text), never as literals in Swift SQL.
extension GenerationState: PostgresNonThrowingEncodable, PostgresDecodable {
    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        rawValue.encode(into: &byteBuffer, context: context)
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
    static func inFlight(column: String = "state") -> SQLFragment { stateIn(.submitting, .submitted, .cancelRequested, column: column) }
}
