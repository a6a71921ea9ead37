import Foundation
import Synchronization
import Testing
@testable import Reelbase

/// The worker looks for new submissions after news, and otherwise only every `recheck`.
@Suite struct SubmissionLooksTests {
    @Test func looksAfterNewsOrWhenTheRecheckIsDueOnly() {
        let clock = Mutex(ContinuousClock.now)
        let looks = SubmissionLooks(recheck: .milliseconds(250), now: { clock.withLock { $0 } })
        func advance(_ d: Duration) { clock.withLock { $0 += d } }

        #expect(looks.shouldLook(), "a new worker looks at once")
        #expect(!looks.shouldLook(), "nothing happened since")
        looks.found(0)
        advance(.milliseconds(100))
        #expect(!looks.shouldLook(), "a look that found nothing waits for news")
        looks.mark()
        #expect(looks.shouldLook(), "a notify or a job leaving flight")
        #expect(!looks.shouldLook())
        looks.found(3)
        #expect(looks.shouldLook(), "a look that found work may have left more")
        advance(.milliseconds(249))
        #expect(!looks.shouldLook())
        advance(.milliseconds(1))
        #expect(looks.shouldLook(), "retry times and pauses run out on their own: look every recheck")
    }
}
