import Foundation
import ReelbaseCore

/// A generation a worker holds a lease on. Every write it makes names `leaseToken`.
struct ClaimedJob: Sendable {
    let id: UUID
    let teamID: UUID
    let state: GenerationState
    let attempt: Int
    let maxAttempts: Int
    let provider: String
    let modelID: String
    let accountKey: String
    let accountID: UUID?
    let promptText: String
    let negativePrompt: String?
    let params: GenerationParameters
    let providerRequestID: String?
    let pollCount: Int
    let estimate: Decimal
    let leaseToken: UUID
    /// The team account's row, read with the claim (no second round trip for the key); nil
    /// when the job has no team account or its row is gone.
    var account: SealedAccount? = nil
}

/// A provider account's row with its key still sealed.
struct SealedAccount: Sendable {
    let id: UUID
    let sealedKey: Data
    let baseURL: String?
    let mode: String
    let concurrencyLimit: Int
    /// Removed by an owner: no new submissions; jobs already there keep polling it.
    let removed: Bool
}

/// How a worker paces itself. Defaults suit production; tests and demos shrink them.
public struct WorkerSettings: Sendable {
    /// Jobs one process runs at once.
    public var slots: Int = 16
    public var lease: Duration = .seconds(30)
    public var heartbeat: Duration = .seconds(10)
    /// Sleep between looks when nothing woke us (pg_notify is the fast path).
    public var idlePoll: Duration = .seconds(2)
    public var rescueEvery: Duration = .seconds(5)
    /// When set, replaces the catalog's typical duration (a simulator finishes faster).
    public var expectedDurationOverride: Double?
    /// Longest wait between two status polls.
    public var maxPollInterval: Double = 30
    /// Seconds; the shortest wait between two looks at one job.
    public var minPollInterval: Double = 1
    /// How long an account nothing could reach is paused (its jobs keep their attempts).
    public var unreachableBackoff = UnreachableBackoff()
    /// How long a call to a team account's provider keeps trying to connect before it fails.
    public var providerConnectTimeout: Duration = .seconds(10)
    /// How long a worker waits for in-flight work on SIGTERM.
    public var shutdownGrace: Duration = .seconds(30)
    public var workerID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    public init() {}
}
