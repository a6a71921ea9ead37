import Foundation
import Logging

/// The periodic sweep that settles Segmind `submit_unknown` jobs without a person: every due one
/// (its POST at least the settle time old, no later look planned, not left for a person) goes
/// through `SubmitUnknownResolver`. A "look again at" is stored on the generation and honoured
/// by the first sweep after that time. One bounded batch per run: the sweep runs again soon, and
/// every generation it touched moves out of the due set (settled, planned later, or left for a
/// person), so the next batch makes progress.
struct ResolveSubmitUnknown: JobHandler {
    struct Payload: Codable, Sendable {}
    static let kind = "resolve_submit_unknown"
    /// A failed sweep is simply the next period's work; no long retry chain.
    static let maxAttempts = 2
    static let batch = 100

    let resolver: SubmitUnknownResolver
    /// Seconds after its POST before a job is first looked up (`REELBASE_SUBMIT_UNKNOWN_SETTLE_SECONDS`).
    let settle: TimeInterval

    func run(_ payload: Payload, context: JobContext) async throws {
        let due = try await resolver.generations.due(settle: settle, limit: Self.batch)
        guard !due.isEmpty else { return }
        var tally: [String: Int] = [:]
        var errors = 0
        for id in due {
            do {
                let outcome = try await resolver.resolve(generation: id)
                tally[outcome.name, default: 0] += 1
            } catch {
                // The resolver gave the row back; the next sweep tries it again.
                errors += 1
                context.logger.warning("could not settle a submit_unknown job", metadata: ["generation": "\(id)", "error": "\(error)"])
            }
        }
        context.logger.notice("settled submit_unknown jobs from the provider's history", metadata: [
            "looked_at": "\(due.count)", "outcomes": "\(tally.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
            "errors": "\(errors)",
        ])
    }
}

extension SubmitUnknownResolver.Outcome {
    /// One word for logs.
    var name: String {
        switch self {
        case .adopted: "adopted"
        case .failedAtProvider: "failed_at_provider"
        case .requeued: "requeued"
        case .lookAgain: "look_again"
        case .needsPerson: "needs_person"
        case .notApplicable: "not_applicable"
        }
    }
}
