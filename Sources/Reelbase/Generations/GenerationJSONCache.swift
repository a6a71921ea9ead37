import Foundation
import Synchronization

/// Each list item's JSON as `JSONEncoder.api` wrote it, keyed by the row's id and its `xmin`.
///
/// Encoding a generation with Foundation's encoder (and parsing its `params`) costs about 20 µs,
/// which made a 50-row page spend more time in JSON than in PostgreSQL (docs/ARCHITECTURE.md,
/// "Read paths"). A list item is a pure function of its row, and PostgreSQL gives every row
/// version a new `xmin`, so a cached item can never be stale: an update is a new key, and the
/// old one ages out. Nothing needs invalidating, on this replica or any other.
///
/// Two generations of at most `capacity` entries each: a hit in the older one moves the entry
/// forward; when the newer one fills, the older one is dropped. Memory stays under about
/// 2 × capacity × 600 bytes.
final class GenerationJSONCache: Sendable {
    struct Key: Hashable, Sendable {
        let id: UUID
        let version: Int64
    }

    private struct State {
        var recent: [Key: Data] = [:]
        var older: [Key: Data] = [:]
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The cached JSON for each key, `nil` where there is none; one lock for the whole page.
    func lookup(_ keys: [Key]) -> [Data?] {
        state.withLock { state in
            keys.map { key in
                if let hit = state.recent[key] { return hit }
                guard let hit = state.older.removeValue(forKey: key) else { return nil }
                Self.insert(hit, for: key, into: &state, capacity: capacity)
                return hit
            }
        }
    }

    func store(_ items: [(Key, Data)]) {
        guard !items.isEmpty else { return }
        state.withLock { state in
            for (key, json) in items { Self.insert(json, for: key, into: &state, capacity: capacity) }
        }
    }

    var count: Int { state.withLock { $0.recent.count + $0.older.count } }

    private static func insert(_ json: Data, for key: Key, into state: inout State, capacity: Int) {
        if state.recent.count >= capacity {
            state.older = state.recent
            state.recent = [:]
        }
        state.recent[key] = json
    }
}
