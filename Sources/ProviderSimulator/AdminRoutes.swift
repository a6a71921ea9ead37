import Foundation
import Hummingbird

/// `/_sim/*`: fault injection, stats, reset, balance and clock, for tests and demos. No auth, no faults.
struct AdminRoutes: Sendable {
    let state: SimulatorState

    func add(to router: Router<SimContext>) {
        router.post("_sim/faults", use: addFaults)
        router.delete("_sim/faults") { _, _ in
            await state.clearFaults()
            return Response(status: .noContent)
        }
        router.get("_sim/stats") { _, _ in Reply.json(await state.snapshot()) }
        router.post("_sim/reset") { _, _ in
            await state.reset()
            return Response(status: .noContent)
        }
        router.post("_sim/balance", use: setBalance)
        router.post("_sim/clock", use: advanceClock)
    }

    /// Accepts `{"rules":[...], "fail_rate":x}`, a single rule object, or an array of rules.
    @Sendable func addFaults(_ request: Request, context: SimContext) async throws -> Response {
        let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        let decoder = JSONDecoder()
        let plan: FaultPlan
        if let rule = try? decoder.decode(FaultRule.self, from: data) {
            plan = FaultPlan(rules: [rule])
        } else if let rules = try? decoder.decode([FaultRule].self, from: data) {
            plan = FaultPlan(rules: rules)
        } else if let decoded = try? decoder.decode(FaultPlan.self, from: data) {
            plan = decoded
        } else {
            return Reply.segmindError(.badRequest, "expected a fault rule, a list of rules, or {\"rules\": [...], \"fail_rate\": x}")
        }
        await state.addFaults(plan)
        return Reply.json(["added": plan.rules.count])
    }

    struct BalanceBody: Codable { var balance: Decimal }
    struct ClockBody: Codable { var advance_seconds: Double }

    @Sendable func setBalance(_ request: Request, context: SimContext) async throws -> Response {
        let body = try await request.decode(as: BalanceBody.self, context: context)
        await state.setBalance(body.balance)
        return Reply.json(CreditsBody(credits: body.balance, freeCredits: 0))
    }

    @Sendable func advanceClock(_ request: Request, context: SimContext) async throws -> Response {
        let body = try await request.decode(as: ClockBody.self, context: context)
        await state.advanceClock(by: body.advance_seconds)
        return Response(status: .noContent)
    }
}
