import Foundation
import Hummingbird

/// `POST /reconciliations` (owners: it reads the provider's books with the team's key),
/// `GET /reconciliations` and `GET /reconciliations/{id}` (everyone in the team).
struct ReconciliationController {
    let runs: ReconciliationRepository
    let clock: any WallClock
    /// The instance has a default Segmind account (reconciled for the teams that used it).
    var defaultAccount = false

    func addRoutes(to gates: Gates) {
        gates.owner.post("reconciliations", use: request)
        gates.viewer.get("reconciliations", use: list)
        gates.viewer.get("reconciliations/:id", use: get)
    }

    /// Queues a run for the account named (or each of the team's Segmind accounts): 202.
    @Sendable func request(_ request: Request, context: OwnerContext) async throws -> Response {
        let teamID = context.identity.teamID
        let body = try await request.decode(as: ReconciliationRequest.self, context: context)
        let window = try body.window(now: clock.now())
        var accounts: [UUID?] = try await runs.segmindAccounts(team: teamID, only: body.account)
        if body.account == nil, defaultAccount, try await !runs.defaultAccountUsers(team: teamID).isEmpty { accounts.append(nil) }
        if accounts.isEmpty {
            if body.account != nil { throw AppError.notFound("provider account") }
            throw AppError.validation("Nothing to reconcile.", details: ["account": "the team has no Segmind account of its own"])
        }
        var queued: [ReconciliationRun] = []
        for account in accounts {
            guard let id = try await runs.queue(team: teamID, account: account, window: window, trigger: "request"),
                  var run = try await runs.get(team: teamID, id: id) else { continue }
            run.lines = nil
            queued.append(run)
        }
        return try GenerationController.json(ReconciliationsQueued(runs: queued), status: .accepted)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<ReconciliationRun> {
        let limit = try request.pageLimit(default: 50)
        let rows = try await runs.list(team: context.identity.teamID, account: try request.queryUUID("account"),
                                       after: try request.listCursor(), limit: limit)
        return Page(rows: rows, limit: limit)
    }

    @Sendable func get(_ request: Request, context: ViewerContext) async throws -> ReconciliationRun {
        guard let run = try await runs.get(team: context.identity.teamID, id: try context.pathID("id", "reconciliation")) else {
            throw AppError.notFound("reconciliation")
        }
        return run
    }
}
