import Foundation
import Synchronization

/// What the items of one batch share, read once per batch instead of once per item: prompt
/// versions, seeds, assets, campaigns, the provider account and the price table. A single
/// request gets a fresh one, so nothing outlives the request.
final class PlanningLookups: Sendable {
    private let memo = Mutex<[String: any Sendable]>([:])

    /// The value stored under `key`, loading it the first time.
    func value<T: Sendable>(_ key: String, _ load: () async throws -> T) async throws -> T {
        if let hit = memo.withLock({ $0[key] }), let value = hit as? T { return value }
        let value = try await load()
        memo.withLock { $0[key] = value }
        return value
    }
}
