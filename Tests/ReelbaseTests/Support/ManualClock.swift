import Foundation
import Synchronization
@testable import Reelbase

/// A clock the test moves by hand, instead of sleeping until a lease or a backoff runs out.
final class ManualClock: WallClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { current = Mutex(start) }

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
