import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but the closure's own error comes out as itself rather than wrapped
    /// in `PostgresTransactionError`, so callers can match on `AppError` and friends.
    func transaction<Result>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }
}
