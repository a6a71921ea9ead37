import Foundation
import Hummingbird
import ReelbaseCore
import Synchronization
import Tools

/// Which API a job was submitted through; decides how its status is spelled.
enum JobAPI: Sendable {
    case segmindV2
    case aiml
}

enum JobPhase: Sendable, Equatable {
    case queued, processing, completed, failed
}

struct SimJob: Sendable {
    let id: String
    let api: JobAPI
    let model: ModelSpec
    let price: Decimal
    let seed: Int
    let submittedAt: Date
    let latency: Double
    let failureMessage: String?
    /// The clip it answers with once completed.
    let clip: ClipSpec
    /// Set once the job reached its end: the balance right after billing it.
    var remainingCredits: Decimal?

    var completesAt: Date { submittedAt.addingTimeInterval(latency) }

    func phase(at now: Date) -> JobPhase {
        let elapsed = now.timeIntervalSince(submittedAt)
        if elapsed >= latency { return failureMessage == nil ? .completed : .failed }
        return elapsed < latency * 0.2 ? .queued : .processing
    }
}

/// All mutable simulator state: balance, jobs, faults, counters, and a clock tests can move.
actor SimulatorState {
    let config: SimulatorConfig
    let catalog: ModelCatalog
    /// Built once and shared: a padded 20 MB video is not copied per response.
    let video: ByteBuffer
    /// Clips shaped as each request asked (or `video` when rendering is off).
    let clips: ClipRenderer
    /// The port actually bound (config may say 0), for URLs when a request has no Host header.
    nonisolated let boundPort = Mutex<Int>(0)
    private(set) var balance: Decimal
    private(set) var failRate: Double
    private var reserved: Decimal = 0
    private var jobs: [String: SimJob] = [:]
    private var faults: FaultBook
    private var history = HistoryBook()
    private var clockOffset: TimeInterval = 0
    private var stats = Counters()

    struct Counters {
        var submits = 0
        var accepted = 0
        var byBody: [String: Int] = [:]
        var byPrompt: [String: Int] = [:]
        var completed = 0
        var failed = 0
        var faultsInjected = 0
        var polls = 0
    }

    init(config: SimulatorConfig) {
        self.config = config
        self.catalog = .standard(aimlModelID: config.aimlModelID)
        self.video = ByteBuffer(bytes: SampleVideo.bytes(size: config.videoBytes))
        let renders = config.renderClips && config.videoBytes == nil
        self.clips = renders ? .shared : ClipRenderer(ffmpeg: nil, fallback: video)
        self.balance = config.balance
        self.failRate = config.failRate
        self.faults = FaultBook(rules: config.faults)
    }

    func now() -> Date { Date().addingTimeInterval(clockOffset) }

    func advanceClock(by seconds: TimeInterval) { clockOffset += seconds }

    // MARK: faults and counters

    func takeFault(route: RouteKind, afterProcessing: Bool = false) -> FaultRule? {
        let rule = faults.take(route: route, afterProcessing: afterProcessing)
        if rule != nil { stats.faultsInjected += 1 }
        return rule
    }

    func addFaults(_ plan: FaultPlan) {
        faults.rules.append(contentsOf: plan.rules)
        if let rate = plan.failRate { failRate = rate }
    }

    func clearFaults() {
        faults.rules.removeAll()
        failRate = config.failRate
    }

    func setBalance(_ value: Decimal) { balance = value }

    /// A status or result GET: benchmarks compare polling cadences with it.
    func recordPoll() { stats.polls += 1 }

    func recordSubmit(bodySHA256: String, prompt: String?) {
        stats.submits += 1
        stats.byBody[bodySHA256, default: 0] += 1
        if let prompt { stats.byPrompt[prompt, default: 0] += 1 }
    }

    func reset() {
        balance = config.balance
        failRate = config.failRate
        reserved = 0
        jobs.removeAll()
        history = HistoryBook()
        faults = FaultBook(rules: config.faults)
        clockOffset = 0
        stats = Counters()
    }

    func snapshot() -> SimulatorStats {
        settle()
        return SimulatorStats(
            submits: stats.submits, accepted: stats.accepted, byBodySHA256: stats.byBody,
            byPrompt: stats.byPrompt, maxPerBody: stats.byBody.values.max() ?? 0, balance: balance,
            completed: stats.completed, failed: stats.failed, faultsInjected: stats.faultsInjected, polls: stats.polls)
    }

    // MARK: money

    /// Holds `price` for a generation in flight; false when the balance cannot cover it.
    func reserve(_ price: Decimal) -> Bool {
        settle()
        guard balance - reserved >= price else { return false }
        reserved += price
        stats.accepted += 1
        return true
    }

    /// Bills a finished v1 generation; returns the balance after it.
    func charge(_ price: Decimal) -> Decimal {
        reserved -= price
        balance -= price
        stats.completed += 1
        return balance
    }

    // MARK: v2 / AI/ML jobs

    /// Creates a job whose money is already reserved; it ends after the configured latency.
    /// A Segmind job (`books` given) also goes on the request history, with the same outcome.
    func createJob(api: JobAPI, model: ModelSpec, price: Decimal, seed: Int, clip: ClipSpec, books: BookSource? = nil) -> SimJob {
        let fails = failRate > 0 && Double.random(in: 0..<1) < failRate
        let job = SimJob(
            id: UUID().uuidString.lowercased(), api: api, model: model, price: price, seed: seed,
            submittedAt: now(), latency: config.latencySeconds,
            failureMessage: fails ? "Generation failed: the request was blocked by the content safety filter" : nil,
            clip: clip)
        jobs[job.id] = job
        if !fails { clips.prepare(clip) }
        if let books {
            history.add(BookEntry(
                requestID: job.id, owner: books.owner, model: model.providerModelID, requestBody: books.body,
                createdAt: job.submittedAt, completesAt: job.completesAt, failureMessage: job.failureMessage,
                price: price, outputURLs: [books.origin + "/files/\(job.id).mp4"]))
        }
        return job
    }

    // MARK: the request history

    /// A v1 request: billed when its generation ends, `latency` from now. Returns its request id.
    func bookSyncRequest(model: ModelSpec, price: Decimal, books: BookSource) -> String {
        let id = UUID().uuidString.lowercased()
        let start = now()
        // v1 answers with the video bytes: there is no output URL to list.
        history.add(BookEntry(
            requestID: id, owner: books.owner, model: model.providerModelID, requestBody: books.body,
            createdAt: start, completesAt: start.addingTimeInterval(config.latencySeconds), failureMessage: nil,
            price: price, outputURLs: []))
        return id
    }

    /// A request made with the same key but not through this simulator's generation routes
    /// (another tool, a person with curl). A completed one is billed now.
    func bookOutsideRequest(_ entry: BookEntry) {
        history.add(entry)
        if entry.status(at: now()) == .completed { balance -= entry.price }
    }

    func historyPage(_ query: HistoryQuery, owner: SimUser) -> HistoryPage {
        history.page(query, owner: owner, now: now(), lag: config.historyLagSeconds)
    }

    func historyEntry(id: String, owner: SimUser) -> HistoryRow? {
        let current = now()
        return history.entry(id: id, owner: owner, now: current, lag: config.historyLagSeconds)?.rows(at: current).first
    }

    /// The job while its status is retained; nil when unknown or expired (both are a 404).
    func job(id: String) -> SimJob? {
        settle()
        guard let job = jobs[id], now().timeIntervalSince(job.submittedAt) <= config.retentionSeconds else { return nil }
        return job
    }

    /// The clip `/files/{id}.mp4` serves, while it is still downloadable.
    func file(id: String) -> ClipSpec? {
        settle()
        guard let job = jobs[id], job.phase(at: now()) == .completed,
              now().timeIntervalSince(job.submittedAt) <= config.fileRetentionSeconds else { return nil }
        return job.clip
    }

    /// Bills jobs that have finished, in the order they finished; forgets jobs whose files expired.
    private func settle() {
        let current = now()
        let due = jobs.values.filter { $0.remainingCredits == nil && $0.completesAt <= current }
        for job in due.sorted(by: { $0.completesAt < $1.completesAt }) {
            reserved -= job.price
            if job.failureMessage == nil {
                balance -= job.price
                stats.completed += 1
            } else {
                stats.failed += 1
            }
            jobs[job.id]?.remainingCredits = balance
        }
        jobs = jobs.filter { current.timeIntervalSince($0.value.submittedAt) <= config.fileRetentionSeconds }
    }
}
