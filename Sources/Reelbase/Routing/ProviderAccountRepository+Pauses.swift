import Foundation
import PostgresNIO

extension ProviderAccountRepository {
    /// When the account's pause ends (`distantFuture`: until a person acts), or nil when it can
    /// be called now. A rate limit is a pause too.
    func pausedUntil(accountKey: String) async throws -> Date? {
        let rows = try await db.query("""
            SELECT CASE WHEN paused_until = 'infinity' THEN NULL ELSE paused_until END, paused_until = 'infinity'
            FROM provider_pauses WHERE account_key = \(accountKey) AND paused_until > now()
            """, logger: logger)
        guard let (until, forever) = try await rows.decode((Date?, Bool).self).firstElement() else { return nil }
        return forever ? .distantFuture : until
    }
}
