import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// Settles one `submit_unknown` generation on a Segmind account from the provider's own books:
/// looks its POST up in the request history and applies `SubmitUnknownMatcher`'s decision with
/// fenced, audited writes. Built once in `Services`; the `resolve_submit_unknown` sweep calls it.
public struct SubmitUnknownResolver: Sendable {
    let generations: SubmitUnknownRepository
    let accounts: ProviderAccountRepository
    let catalog: ModelCatalog
    /// Builds the history reader for an account's key; injected so the caller decides which
    /// transport (e.g. an outbound guard) history look-ups go through.
    let historyClient: @Sendable (ProviderAPIKey) -> SegmindHistoryClient
    /// The policy for an async (v2) POST, whose deadline is the ordinary request timeout.
    let policy: MatchPolicy
    /// A sync (v1) POST holds the connection for the whole generation: its deadline is longer.
    let synchronousSubmitTimeout: TimeInterval
    let logger: Logger

    init(
        generations: SubmitUnknownRepository, accounts: ProviderAccountRepository, catalog: ModelCatalog,
        historyClient: @escaping @Sendable (ProviderAPIKey) -> SegmindHistoryClient, policy: MatchPolicy,
        synchronousSubmitTimeout: TimeInterval = ProviderTimeouts().synchronousGeneration.seconds, logger: Logger
    ) {
        self.generations = generations
        self.accounts = accounts
        self.catalog = catalog
        self.historyClient = historyClient
        self.policy = policy
        self.synchronousSubmitTimeout = synchronousSubmitTimeout
        self.logger = logger
    }

    /// History look-ups go over `http` to `historyURL` (`REELBASE_SEGMIND_HISTORY_URL`).
    public init(
        db: PostgresClient, audit: AuditRepository, accounts: ProviderAccountRepository, catalog: ModelCatalog,
        http: HTTPClient, historyURL: String, options: ProviderClientOptions = .init(), policy: MatchPolicy, logger: Logger
    ) {
        self.init(
            generations: SubmitUnknownRepository(db: db, audit: audit, logger: logger), accounts: accounts, catalog: catalog,
            historyClient: { key in SegmindHistoryClient(http: http, historyURL: historyURL, apiKey: key, options: options, logger: logger) },
            policy: policy, synchronousSubmitTimeout: max(policy.submitTimeout, options.timeouts.synchronousGeneration.seconds), logger: logger)
    }

    public enum Outcome: Sendable, Equatable {
        /// Now `submitted` with the provider's request id: the normal poller takes it on.
        case adopted(requestID: String)
        /// The provider has it as FAILED: `failed`, not billed.
        case failedAtProvider(requestID: String)
        /// Never recorded, so never billed: `queued` again.
        case requeued
        /// Nothing conclusive yet: call again at this time.
        case lookAgain(at: Date)
        /// Stays `submit_unknown` for a person (reason on the generation, candidates in the audit log).
        case needsPerson(reason: String)
        /// Not a `submit_unknown` job this resolver can settle (another state, held elsewhere, AI/ML).
        case notApplicable(reason: String)
    }

    public func resolve(generation id: UUID, now: @Sendable () -> Date = Date.init) async throws -> Outcome {
        guard let held = try await generations.hold(id) else {
            return .notApplicable(reason: "not submit_unknown, already has a request id, or being settled elsewhere")
        }
        do {
            let outcome = try await settle(held, now: now)
            if case .lookAgain(let at) = outcome { try await generations.release(held, lookAgainAt: at) }
            if case .notApplicable = outcome { try await generations.release(held) }
            return outcome
        } catch {
            // Not cancelled with us (a worker stopping): the row is given back at once.
            let generations = generations
            await Task { try? await generations.release(held) }.value
            throw error
        }
    }

    private func settle(_ held: SubmitUnknownRepository.Held, now: @Sendable () -> Date) async throws -> Outcome {
        guard held.provider == ProviderAccount.segmind.rawValue else {
            return .notApplicable(reason: "\(held.provider) keeps no request history: a person decides")
        }
        guard let body = held.sentBody, let postedAt = held.postedAt, let model = catalog.model(id: held.modelID) else {
            return try await needsPerson(held, reason: "the body or the moment of the POST was not recorded, so the history cannot be searched", candidates: [], window: nil)
        }
        guard let credentials = try await credentials(held) else {
            return try await needsPerson(held, reason: "the provider account is gone: its history cannot be read", candidates: [], window: nil)
        }
        let submit = UnknownSubmit(model: model.providerModelID, sentBody: body, postedAt: postedAt)
        var policy = self.policy
        if credentials.api == .segmindV1 { policy.submitTimeout = max(policy.submitTimeout, synchronousSubmitTimeout) }
        let window = policy.window(for: submit)
        let lookedAt = now()
        let lookup: HistoryLookup
        do {
            let entries = try await historyClient(credentials.endpoint.apiKey).requests(from: window.start, to: window.end, model: submit.model)
            lookup = .entries(entries)
        } catch {
            lookup = .unreachable(reason: error.message)
        }
        var claimed: Set<String> = []
        if case .entries(let entries) = lookup {
            claimed = try await generations.claimed(entries.map(\.requestID), accountKey: held.accountKey)
        }
        let decision = SubmitUnknownMatcher.decide(submit, lookup: lookup, claimed: claimed, now: lookedAt, policy: policy)
        logger.info("submit_unknown looked up in the provider's history", metadata: ["generation": "\(held.id)", "decision": "\(decision.summary)"])
        switch decision {
        case .adopt(let entry):
            if credentials.api == .segmindV1 {
                return try await needsPerson(held, reason: "request \(entry.requestID) matches, but a sync (v1) account cannot poll it", candidates: [entry], window: window)
            }
            let evidence = Self.evidence(window: window, candidates: [entry], extra: ["matched": .string(entry.requestID)])
            if entry.isFailed {
                let message = "the provider's history shows this request FAILED: \(entry.error ?? "no message")"
                return try await generations.failAtProvider(held, requestID: entry.requestID, message: message, evidence: evidence)
                    ? .failedAtProvider(requestID: entry.requestID) : .notApplicable(reason: "changed while being settled")
            }
            return try await generations.adopt(held, requestID: entry.requestID, evidence: evidence)
                ? .adopted(requestID: entry.requestID) : .notApplicable(reason: "changed while being settled")
        case .requeue:
            let evidence = Self.evidence(window: window, candidates: [], extra: [
                "settled_at": .string(policy.settledAt(for: submit).iso8601WithFraction), "looked_at": .string(lookedAt.iso8601WithFraction),
            ])
            return try await generations.requeue(held, evidence: evidence) ? .requeued : .notApplicable(reason: "changed while being settled")
        case .lookAgain(let at):
            return .lookAgain(at: at)
        case .needsPerson(let reason, let candidates):
            return try await needsPerson(held, reason: reason, candidates: candidates, window: window)
        }
    }

    private func needsPerson(_ held: SubmitUnknownRepository.Held, reason: String, candidates: [SegmindHistoryEntry], window: DateInterval?) async throws -> Outcome {
        _ = try await generations.needsPerson(held, reason: reason, evidence: Self.evidence(window: window, candidates: candidates, extra: ["reason": .string(reason)]))
        return .needsPerson(reason: reason)
    }

    private func credentials(_ held: SubmitUnknownRepository.Held) async throws -> ProviderCredentials? {
        guard let accountID = held.accountID else { return accounts.defaultCredentials(provider: .segmind) }
        return try await accounts.credentials(team: held.teamID, provider: .segmind, accountID: accountID, includeRemoved: true)
    }

    static func evidence(window: DateInterval?, candidates: [SegmindHistoryEntry], extra: [String: JSONValue]) -> JSONValue {
        var fields = extra
        if let window {
            fields["window_start"] = .string(window.start.iso8601WithFraction)
            fields["window_end"] = .string(window.end.iso8601WithFraction)
        }
        fields["candidates"] = .array(candidates.map(\.evidence))
        return .object(fields)
    }
}

extension MatchPolicy {
    /// The policy the service runs with: the configured history lag, and the longest an async
    /// (v2) POST may take to reach the provider, its request deadline. The resolver widens the
    /// window to the synchronous deadline for v1 accounts.
    public init(config: AppConfig, timeouts: ProviderTimeouts = .init()) {
        self.init(historyLag: TimeInterval(config.segmindHistoryLagSeconds), submitTimeout: timeouts.request.seconds)
    }
}
