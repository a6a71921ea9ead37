import Foundation
import Hummingbird

/// `/provider-accounts`: owners manage the team's provider keys. Keys go in, never come out.
struct ProviderAccountController {
    let accounts: ProviderAccountRepository
    let credits: CreditRepository
    let clients: ProviderClientFactory
    /// A new key or a positive balance clears the account's auth / credit alerts and its pause.
    let alerts: AlertRepository

    struct CreateAccount: Decodable {
        let provider: ProviderAccount
        let name: String
        let api_key: String
        let base_url: String?
        let concurrency_limit: Int?
        let mode: String?
    }

    struct UpdateAccount: Decodable {
        let name: String?
        let api_key: String?
        let base_url: String??
        let concurrency_limit: Int?
        let mode: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            api_key = try c.decodeIfPresent(String.self, forKey: .api_key)
            // Present-but-null clears the override; absent leaves it alone.
            base_url = c.contains(.base_url) ? .some(try c.decodeIfPresent(String.self, forKey: .base_url)) : nil
            concurrency_limit = try c.decodeIfPresent(Int.self, forKey: .concurrency_limit)
            mode = try c.decodeIfPresent(String.self, forKey: .mode)
        }
        enum CodingKeys: String, CodingKey { case name, api_key, base_url, concurrency_limit, mode }
    }

    struct CheckResult: ResponseEncodable, Decodable {
        let account_id: UUID
        let credits: Decimal?
        let free_credits: Decimal?
        let checked_at: Date
    }

    func addRoutes(to gates: Gates) {
        gates.owner.get("provider-accounts", use: list).post("provider-accounts", use: create)
        gates.owner.get("provider-accounts/:id", use: show).patch("provider-accounts/:id", use: update)
        gates.owner.delete("provider-accounts/:id", use: delete).post("provider-accounts/:id/check", use: check)
    }

    private func owner(_ context: OwnerContext) -> Identity { context.identity }

    @Sendable func list(_ request: Request, context: OwnerContext) async throws -> Page<ProviderAccountRecord> {
        Page(data: try await accounts.list(team: try owner(context).teamID), next_cursor: nil)
    }

    @Sendable func show(_ request: Request, context: OwnerContext) async throws -> ProviderAccountRecord {
        let identity = try owner(context)
        guard let record = try await accounts.get(team: identity.teamID, id: try context.pathID("id", "provider account")) else {
            throw AppError.notFound("provider account")
        }
        return record
    }

    @Sendable func create(_ request: Request, context: OwnerContext) async throws -> EditedResponse<ProviderAccountRecord> {
        let identity = try owner(context)
        let body = try await request.decode(as: CreateAccount.self, context: context)
        var problems: [String: JSONValue] = [:]
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(name.count) { problems["name"] = "must be 1 to 200 characters" }
        if let problem = Self.keyProblem(body.api_key) { problems["api_key"] = .string(problem) }
        if let url = body.base_url, let problem = await baseURLProblem(url) { problems["base_url"] = .string(problem) }
        let limit = body.concurrency_limit ?? 4
        if !(1...100).contains(limit) { problems["concurrency_limit"] = "must be from 1 to 100" }
        let mode = body.mode ?? "async"
        if !["async", "sync"].contains(mode) || (mode == "sync" && body.provider != .segmind) {
            problems["mode"] = "must be async, or sync for Segmind (its v1 API)"
        }
        guard problems.isEmpty else { throw AppError.validation("The provider account is not valid.", details: problems) }
        let record = try await accounts.create(team: identity.teamID, .init(provider: body.provider, name: name, apiKey: body.api_key,
                                                                           baseURL: body.base_url, concurrencyLimit: limit, mode: mode),
                                               actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: record)
    }

    @Sendable func update(_ request: Request, context: OwnerContext) async throws -> ProviderAccountRecord {
        let identity = try owner(context)
        let id = try context.pathID("id", "provider account")
        let body = try await request.decode(as: UpdateAccount.self, context: context)
        var problems: [String: JSONValue] = [:]
        if let name = body.name, !(1...200).contains(name.count) { problems["name"] = "must be 1 to 200 characters" }
        if let key = body.api_key, let problem = Self.keyProblem(key) { problems["api_key"] = .string(problem) }
        if let url = body.base_url ?? nil, let problem = await baseURLProblem(url) { problems["base_url"] = .string(problem) }
        // A stored key must never follow a new URL on its own: whoever moves it proves they hold it.
        if body.base_url != nil, body.api_key == nil {
            problems["api_key"] = "must be sent again (the full key) to change base_url"
        }
        if let limit = body.concurrency_limit, !(1...100).contains(limit) { problems["concurrency_limit"] = "must be from 1 to 100" }
        if let mode = body.mode, !["async", "sync"].contains(mode) { problems["mode"] = "must be async or sync" }
        guard problems.isEmpty else { throw AppError.validation("The change is not valid.", details: problems) }
        let patch = ProviderAccountRepository.Patch(name: body.name, apiKey: body.api_key, baseURL: body.base_url,
                                                    concurrencyLimit: body.concurrency_limit, mode: body.mode)
        guard let record = try await accounts.update(team: identity.teamID, id: id, patch, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("provider account")
        }
        if body.api_key != nil {
            try await alerts.accountRepaired(team: identity.teamID, accountKey: id.uuidString.lowercased(), reason: "api key replaced",
                                             actor: AuditActor(identity, ip: context.clientIP))
        }
        return record
    }

    @Sendable func delete(_ request: Request, context: OwnerContext) async throws -> Response {
        let identity = try owner(context)
        guard try await accounts.delete(team: identity.teamID, id: try context.pathID("id", "provider account"),
                                        actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("provider account")
        }
        return Response(status: .noContent)
    }

    /// Calls the provider's balance endpoint and records what it says.
    @Sendable func check(_ request: Request, context: OwnerContext) async throws -> CheckResult {
        let identity = try owner(context)
        let id = try context.pathID("id", "provider account")
        guard let record = try await accounts.get(team: identity.teamID, id: id),
              let provider = ProviderAccount(rawValue: record.provider),
              let credentials = try await accounts.credentials(team: identity.teamID, provider: provider, accountID: id) else {
            throw AppError.notFound("provider account")
        }
        if credentials.baseURLSetByTeam, let problem = await baseURLProblem(credentials.endpoint.baseURL) {
            throw AppError.validation("The account's base URL is refused.", details: ["base_url": .string(problem)])
        }
        let balance: AccountBalance?
        do {
            balance = try await clients.client(for: credentials).balance()
        } catch {
            // Only the kind and status: an upstream body (or whatever a team-set URL answered) is never echoed.
            throw AppError(.badGateway, "provider_\(error.kind.code)", "The provider check failed (\(error.kind.code.replacingOccurrences(of: "_", with: " "))).",
                           details: ["provider_status": error.httpStatus.map { .number(Double($0)) } ?? .null])
        }
        if let observation = balance?.observation {
            try await credits.record(observation, team: identity.teamID, account: id, generation: nil)
        }
        // Paid credits, not free ones: an emptied Segmind account still shows a few free cents.
        if let paid = balance?.credits, paid > 0 {
            try await alerts.accountRepaired(team: identity.teamID, accountKey: id.uuidString.lowercased(), reason: "positive balance checked",
                                             actor: AuditActor(identity, ip: context.clientIP))
        }
        return CheckResult(account_id: id, credits: balance?.credits, free_credits: balance?.freeCredits, checked_at: Date())
    }

    static func keyProblem(_ key: String) -> String? {
        (8...512).contains(key.count) && !key.contains(where: \.isWhitespace) ? nil : "must be the provider's API key (8 to 512 characters, no spaces)"
    }

    /// The shape first, then the outbound policy for team-set URLs (scheme, every resolved address).
    func baseURLProblem(_ url: String) async -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["https", "http"].contains(scheme), parts.host?.isEmpty == false,
              parts.query == nil, parts.user == nil else {
            return "must be an https URL such as https://api.segmind.com"
        }
        guard let refusal = await clients.teamHosts.refusal(of: url) else { return nil }
        // Name the kind of address, not the address: the answer must not map the internal network.
        if case .addressBlocked(_, _, let range) = refusal { return "is refused: the host is a \(range.rawValue) address" }
        return "is refused: \(refusal)"
    }
}

extension ProviderAccountRecord: ResponseEncodable {}
