import Foundation
import Logging
import ReelbaseCore

/// Drives one claimed job one step: a submission, or a status poll. Decides the next state
/// from the provider's answer, already classified by the one error taxonomy.
struct JobRunner: Sendable {
    let queue: WorkQueue
    let outcomes: JobOutcomes
    let accounts: ProviderAccountRepository
    let clients: ProviderClientFactory
    let inputs: JobInputs
    let archiver: VideoArchiver
    let catalog: ModelCatalog
    let settings: WorkerSettings
    let logger: Logger

    /// Returns whether the job may have left flight (ended, or back in the queue): a slot on its
    /// account may be free. False only when it certainly still runs there.
    @discardableResult
    func run(_ job: ClaimedJob) async -> Bool {
        var logger = logger
        logger[metadataKey: "generation"] = "\(job.id)"
        do {
            if job.state == .submitting { return try await submit(job, logger: logger) } else { return try await poll(job, logger: logger) }
        } catch is CancellationError {
            // Shutting down: a poll lease goes back at once; a submission's lease runs out and the rescuer decides.
            if job.state != .submitting { try? await queue.release(job) }
        } catch {
            logger.error("job step failed", metadata: ["error": "\(String(reflecting: error).prefix(600))"])
            if job.state != .submitting { try? await queue.release(job) }
        }
        return true
    }

    private func schedule(for job: ClaimedJob) -> PollSchedule {
        let typical = catalog.model(id: job.modelID).map { Double($0.typicalDurationSeconds) } ?? 90
        return PollSchedule(expectedSeconds: settings.expectedDurationOverride ?? typical, maxInterval: settings.maxPollInterval,
                            minInterval: settings.minPollInterval)
    }

    private func submit(_ job: ClaimedJob, logger: Logger) async throws -> Bool {
        guard let provider = ProviderAccount(rawValue: job.provider),
              let credentials = try await credentials(for: job, provider: provider, includeRemoved: false) else {
            _ = try await outcomes.fail(job, kind: "invalid_request", message: "the provider account was removed", status: nil)
            return true
        }
        let request = try await inputs.request(for: job)
        let client = clients.client(for: credentials)
        // What the POST carries, kept so the provider's history can later tell whether it arrived.
        let sentBody = client.requestBody(for: request).flatMap(SentRequestBody.init(sentJSON:))
        guard try await queue.markPosting(job, sentBody: sentBody) else {
            logger.warning("lost the lease before submitting; nothing was sent")
            return true
        }
        let result: SubmitResult
        do {
            result = try await withHeartbeat(job) { try await client.submit(request) }
        } catch let error as ProviderError {
            // Still under the lease's heartbeat: pausing, alerting and requeueing (each audited)
            // can take a while on a busy database, and the rescuer must not take the job meanwhile.
            try await withHeartbeat(job) { [self] in
                try await outcomes.observe(error.credits, job: job)
                try await outcomes.attempt(job, phase: "submit", outcome: error.unreachable ? JobOutcomes.unreachableReason : error.kind.code,
                                           status: error.httpStatus, message: error.message)
                try await handleSubmitError(error, job: job, logger: logger)
            }
            return true
        }
        switch result.outcome {
        case .accepted(let requestID):
            let firstPoll = Date().addingTimeInterval(schedule(for: job).firstPoll)
            if try await !outcomes.accepted(job, requestID: requestID, firstPoll: firstPoll, credits: result.credits) {
                logger.warning("lost the lease after submitting; another worker owns the job now", metadata: ["request_id": "\(requestID)"])
            }
            return false
        case .completed(let video):
            try await complete(job, video: video, observation: result.credits, account: clients.endpoint(for: credentials), phase: "submit", logger: logger)
            return true
        }
    }

    private func handleSubmitError(_ error: ProviderError, job: ClaimedJob, logger: Logger) async throws {
        switch error.kind {
        case .rateLimited(let resetAt):
            let until = resetAt ?? Date().addingTimeInterval(60)
            try await outcomes.pause(accountKey: job.accountKey, until: until, reason: "rate limited until \(until)", team: job.teamID)
            if try await outcomes.moveToAlternate(job, after: error) { return }
            _ = try await outcomes.requeue(job, at: until, countsAsAttempt: false, error: error)
        case .insufficientCredits, .auth:
            let kind = error.kind == .auth ? "auth" : "insufficient_credits"
            try await outcomes.pause(accountKey: job.accountKey, until: nil, reason: kind, team: job.teamID)
            try await outcomes.alert(team: job.teamID, accountKey: job.accountKey, kind: kind, message: error.kind == .auth
                ? "The \(job.provider) key was refused (\(error.message)). Generations are paused until an owner updates the key and resolves this alert."
                : "The \(job.provider) account has too few credits (\(error.message)). Generations are paused until credits are added and this alert is resolved.")
            if try await outcomes.moveToAlternate(job, after: error) { return }
            _ = try await outcomes.requeue(job, at: Date(), countsAsAttempt: false, error: error)
            logger.warning("provider account paused", metadata: ["account": "\(job.accountKey)", "reason": "\(kind)"])
        case .transient where error.unreachable:
            // The account is down, not the job wrong: pause the account and keep the attempt,
            // so an outage longer than the retry budget only delays the queue.
            let until = try await outcomes.pauseUnreachable(accountKey: job.accountKey, team: job.teamID, backoff: settings.unreachableBackoff)
            if try await outcomes.moveToAlternate(job, after: error) { return }
            _ = try await outcomes.requeue(job, at: until, countsAsAttempt: false, error: error)
            logger.warning("provider unreachable; account paused", metadata: ["account": "\(job.accountKey)", "until": "\(until)"])
        case .transient:
            if job.attempt >= job.maxAttempts {
                _ = try await outcomes.fail(job, kind: "transient", message: "gave up after \(job.attempt) attempts: \(error.message)", status: error.httpStatus)
            } else {
                _ = try await outcomes.requeue(job, at: Date().addingTimeInterval(PollSchedule.retryDelay(attempt: job.attempt)), countsAsAttempt: true, error: error)
            }
        case .ambiguous:
            _ = try await outcomes.unknown(job, error: error)
        case .invalidRequest, .failed, .expired:
            _ = try await outcomes.fail(job, kind: error.kind.code, message: error.message, status: error.httpStatus)
        }
    }

    private func poll(_ job: ClaimedJob, logger: Logger) async throws -> Bool {
        guard let requestID = job.providerRequestID, let provider = ProviderAccount(rawValue: job.provider),
              let credentials = try await credentials(for: job, provider: provider, includeRemoved: true) else {
            // No way to ask about it now (e.g. the instance default account was unset): look again later.
            _ = try await outcomes.nextPoll(job, at: Date().addingTimeInterval(60))
            return true
        }
        let client = clients.client(for: credentials)
        let status: GenerationStatus
        do {
            status = try await withHeartbeat(job) { try await client.status(requestID: requestID) }
        } catch let error as ProviderError {
            try await outcomes.attempt(job, phase: "poll", outcome: error.kind.code, status: error.httpStatus, message: error.message)
            if error.kind == .expired {
                _ = try await outcomes.expire(job, error: error)
            } else {
                // A GET is always safe to repeat: look again later, a little later each time.
                let delay = schedule(for: job).interval(afterPoll: job.pollCount + 2)
                _ = try await outcomes.nextPoll(job, at: Date().addingTimeInterval(delay))
            }
            return true
        }
        // A completed answer's credits are recorded with the success, in its transaction.
        if case .completed = status.state {} else { try await outcomes.observe(status.credits, job: job) }
        switch status.state {
        case .queued, .processing:
            _ = try await outcomes.nextPoll(job, at: Date().addingTimeInterval(schedule(for: job).interval(afterPoll: job.pollCount)))
            return false
        case .completed(let video):
            try await complete(job, video: video, observation: status.credits, account: clients.endpoint(for: credentials), phase: "poll", logger: logger)
        case .failed(let message):
            try await outcomes.attempt(job, phase: "poll", outcome: "failed", message: message)
            _ = try await outcomes.fail(job, kind: "failed", message: message, status: 422)
        }
        return true
    }

    /// The account the job was queued on: its team account, or the instance default.
    private func credentials(for job: ClaimedJob, provider: ProviderAccount, includeRemoved: Bool) async throws -> ProviderCredentials? {
        guard job.accountID != nil else { return accounts.defaultCredentials(provider: provider) }
        guard let account = job.account, !account.removed || includeRemoved else { return nil }
        return try accounts.credentials(account, provider: provider)
    }

    /// `phase`: where the provider said "completed"; that attempt row is written with the outcome.
    private func complete(_ job: ClaimedJob, video: GeneratedVideo, observation: CreditObservation?, account: ProviderEndpoint,
                          phase: String, logger: Logger) async throws {
        let blob: StoredBlob
        do {
            blob = try await withHeartbeat(job) { try await archiver.archive(video, team: job.teamID, account: account) }
        } catch {
            try await outcomes.attempt(job, phase: phase, outcome: "completed")
            try await archiveFailed(job, error: error, logger: logger)
            return
        }
        let cost = video.cost ?? observation?.cost
        if try await !outcomes.succeed(job, video: blob, cost: cost, seed: video.seed, observation: observation, completedIn: phase) {
            try? await archiver.store.delete(team: job.teamID, id: blob.id)
            logger.warning("lost the lease before recording success; dropped the duplicate video")
        }
    }

    private func archiveFailed(_ job: ClaimedJob, error: any Error, logger: Logger) async throws {
        if let error = error as? URLFetchError, error.isPolicyRefusal {
            // The provider pointed us somewhere we never go (a private address, another scheme):
            // asking again gets the same answer. Nothing was fetched, nothing is kept.
            try await outcomes.attempt(job, phase: "archive", outcome: "refused", message: error.description)
            _ = try await outcomes.fail(job, kind: "video_url_refused", message: "the provider's video URL was refused: \(error)", status: nil)
            logger.warning("video URL refused by the outbound policy", metadata: ["error": "\(error)"])
        } else {
            // The video is still at the provider: try again on the next poll.
            try await outcomes.attempt(job, phase: "archive", outcome: "transient", message: "\(error)")
            if job.state == .submitting {
                _ = try await outcomes.unknown(job, error: ProviderError(kind: .ambiguous, api: .segmindV1, httpStatus: nil, message: "the video came back but could not be archived: \(error)"))
            } else {
                _ = try await outcomes.nextPoll(job, at: Date().addingTimeInterval(5))
            }
        }
    }

    /// Runs `body` while renewing the job's lease, so a long call does not look like a crash.
    private func withHeartbeat<T: Sendable>(_ job: ClaimedJob, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withLeaseHeartbeat(every: settings.heartbeat, renew: { try await queue.heartbeat(job) }, body)
    }
}
