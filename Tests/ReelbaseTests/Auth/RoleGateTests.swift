import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing
@testable import Reelbase

@Suite struct RoleGateTests {
    /// Every route the router knows was added through exactly one gate, or is one of the few
    /// that are public on purpose.
    @Test func everyRouteIsBehindExactlyOneGateOrExplicitlyPublic() async throws {
        let ledger = RouteLedger()
        let router = buildRouter(try Services(config: try TestEnv.config(), logger: TestEnv.logger, http: .shared), ledger: ledger)
        func normalized(_ path: String) -> String {
            "/" + path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? ":" : String($0) }.joined(separator: "/")
        }
        var gatesByRoute: [String: [String]] = [:]
        for entry in ledger.entries { gatesByRoute["\(entry.method) \(normalized(entry.path))", default: []].append(entry.gate) }
        let routes = router.routes.map { "\($0.method.rawValue) \(normalized("\($0.path)"))" }
        #expect(routes.count > 60)
        for route in routes {
            #expect(gatesByRoute[route]?.count == 1, "\(route) is behind \(gatesByRoute[route] ?? []) gates")
        }
        #expect(Set(routes) == Set(gatesByRoute.keys))
        let publicRoutes = Set(gatesByRoute.filter { $0.value == ["public"] }.keys)
        #expect(publicRoutes == ["GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v1/openapi.json", "POST /api/v1/session"])
        let owners = Set(gatesByRoute.filter { $0.value == ["owner"] }.keys)
        for route in ["POST /api/v1/api-keys", "DELETE /api/v1/api-keys/:", "POST /api/v1/members", "PATCH /api/v1/members/:",
                      "DELETE /api/v1/members/:", "PATCH /api/v1/team", "PUT /api/v1/prices", "POST /api/v1/provider-accounts"] {
            #expect(owners.contains(route), "\(route)")
        }
    }

    @Test func editorsCannotCreateKeysNorRaiseOrRemoveBudgets() async throws {
        let team = try await TestEnv.makeTeam()
        try await Doors.withApp { client in
            let editor = try await Library.key("editor", team: team, client: client)
            #expect(try await client.call("/api/v1/api-keys", .post, key: editor, json: #"{"name": "x", "role": "viewer"}"#).status == .forbidden)
            let keys = try await client.call("/api/v1/api-keys", key: team.api_key)
            let anyID = try #require(try decode(Listed<APIKeyRecord>.self, from: keys).data.first).id
            #expect(try await client.call("/api/v1/api-keys/\(anyID)", .delete, key: editor).status == .forbidden)
            #expect(try await client.call("/api/v1/team", .patch, key: editor, json: #"{"budget_usd": 1000}"#).status == .forbidden)

            let created = try await client.call("/api/v1/campaigns", .post, key: editor, json: #"{"name": "launch", "budget_usd": 10}"#)
            #expect(created.status == .created)
            let id = try decode(Identified.self, from: created).id
            #expect(try await client.call("/api/v1/campaigns/\(id)", .patch, key: editor, json: #"{"budget_usd": 5}"#).status == .ok)
            #expect(try await client.call("/api/v1/campaigns/\(id)", .patch, key: editor, json: #"{"budget_usd": 20}"#).status == .forbidden)
            #expect(try await client.call("/api/v1/campaigns/\(id)", .patch, key: editor, json: #"{"budget_usd": null}"#).status == .forbidden)
            #expect(try await client.call("/api/v1/campaigns/\(id)", .patch, key: editor, json: #"{"name": "renamed"}"#).status == .ok)
            let shown = try await client.call("/api/v1/campaigns/\(id)", key: editor)
            #expect(try decode(Campaign.self, from: shown).budget_usd == 5)
            #expect(try await client.call("/api/v1/campaigns/\(id)", .patch, key: team.api_key, json: #"{"budget_usd": 50}"#).status == .ok)
        }
    }

    /// The key was made while its creator was an owner; once they are a viewer it only reads.
    @Test func aKeyNeverActsAboveItsCreatorsCurrentRole() async throws {
        let team = try await TestEnv.makeTeam()
        let email = Doors.email("demoted")
        try await Doors.withApp { client in
            let userID = try await Doors.addMember(email, role: .owner, team: team, client: client)
            let session = try await Doors.session(email, client: client)
            let key = try await Doors.key(role: .editor, as: session, client: client)
            // An editor may ask: the request reaches validation (422), not the gate.
            #expect(try await client.call("/api/v1/generations", .post, key: key, json: #"{"model": "nope"}"#).status == .unprocessableContent)
            let demoted = try await client.call("/api/v1/members/\(userID)", .patch, key: team.api_key, json: #"{"role": "viewer"}"#)
            #expect(demoted.status == .ok)
            #expect(try decode(Member.self, from: demoted).role == .viewer)
            let spend = try await client.call("/api/v1/generations", .post, key: key, json: #"{"model": "nope"}"#)
            #expect(spend.status == .forbidden)
            #expect(try await client.call("/api/v1/campaigns", .post, key: key, json: #"{"name": "x"}"#).status == .forbidden)
            let me = try await client.call("/api/v1/me", key: key)
            #expect(me.status == .ok)
            #expect(try decode(MeController.Me.self, from: me).role == .viewer)
        }
    }

    @Test func aRemovedMembersKeysAndSessionsAreRefusedAtOnce() async throws {
        let team = try await TestEnv.makeTeam()
        let email = Doors.email("leaver")
        try await Doors.withApp { client in
            let userID = try await Doors.addMember(email, role: .owner, team: team, client: client)
            let session = try await Doors.session(email, client: client)
            let key = try await Doors.key(role: .editor, as: session, client: client)
            #expect(try await client.call("/api/v1/me", key: key).status == .ok)
            #expect(try await client.call("/api/v1/me", key: nil, headers: [.cookie: session.cookie]).status == .ok)

            #expect(try await client.call("/api/v1/members/\(userID)", .delete, key: team.api_key).status == .noContent)
            #expect(try await client.call("/api/v1/me", key: key).status == .unauthorized)
            #expect(try await client.call("/api/v1/me", key: nil, headers: [.cookie: session.cookie]).status == .unauthorized)
            #expect(try await client.call("/api/v1/members/\(userID)", .delete, key: team.api_key).status == .notFound)
            let audit = try await client.call("/api/v1/audit?action=member.removed", key: team.api_key)
            #expect(audit.text.contains(userID))
            let keys = try await client.call("/api/v1/api-keys", key: team.api_key)
            let mine = try decode(Listed<APIKeyRecord>.self, from: keys).data.filter { $0.created_by?.uuidString == userID }
            #expect(mine.count == 1 && mine.allSatisfy { $0.revoked_at != nil })
        }
    }

    @Test func theLastOwnerCanBeNeitherDemotedNorRemoved() async throws {
        let team = try await TestEnv.makeTeam()
        let ownerID = try await SpendFixtures.owner(of: team.team_id).uuidString
        try await Doors.withApp { client in
            let demote = try await client.call("/api/v1/members/\(ownerID)", .patch, key: team.api_key, json: #"{"role": "editor"}"#)
            #expect(demote.status == .conflict)
            #expect(demote.errorCode == "last_owner")
            #expect(try await client.call("/api/v1/members/\(ownerID)", .delete, key: team.api_key).errorCode == "last_owner")
            let second = try await Doors.addMember(Doors.email("second"), role: .owner, team: team, client: client)
            #expect(try await client.call("/api/v1/members/\(ownerID)", .patch, key: team.api_key, json: #"{"role": "editor"}"#).status == .ok)
            // The first owner's key now acts as an editor: it can no longer manage members.
            #expect(try await client.call("/api/v1/members/\(second)", .delete, key: team.api_key).status == .forbidden)
            let changes = try await client.call("/api/v1/audit?action=member.role_changed", key: team.api_key)
            #expect(changes.text.contains(ownerID))
        }
    }

    /// Someone with an account elsewhere on the instance and a stranger get the same answer,
    /// and both one-time passwords open this team.
    @Test func addingAMemberRevealsNothingAboutOtherAccounts() async throws {
        let team = try await TestEnv.makeTeam()
        let elsewhere = try await TestEnv.makeTeam()
        let fresh = Doors.email("fresh")
        try await Doors.withApp { client in
            let a = try await client.call("/api/v1/members", .post, key: team.api_key, json: #"{"email": "\#(elsewhere.owner_email)", "role": "viewer"}"#)
            let b = try await client.call("/api/v1/members", .post, key: team.api_key, json: #"{"email": "\#(fresh)", "role": "viewer"}"#)
            #expect(a.status == .created && b.status == .created)
            // The same fields, whatever the account: compared as free-form JSON, then read as the real type.
            let (ja, jb) = (try decode(JSONValue.self, from: a), try decode(JSONValue.self, from: b))
            #expect(ja.keys == jb.keys)
            let (ma, mb) = (try #require(ja["member"]), try #require(jb["member"]))
            #expect(ma.keys == mb.keys)
            #expect(ma["name"] == nil && mb["name"] == nil)
            for (email, response) in [(elsewhere.owner_email, a), (fresh, b)] {
                let password = try #require(try decode(TeamRepository.Added.self, from: response).generated_password)
                let signIn = try await client.call("/api/v1/session", .post, key: nil,
                                                   json: #"{"email": "\#(email)", "password": "\#(password)", "team_id": "\#(team.team_id)"}"#)
                #expect(signIn.status == .ok, "\(email)")
                #expect(try decode(SessionController.SessionInfo.self, from: signIn).team_id == team.team_id)
            }
            // The other account's own password is untouched.
            let own = try await client.call("/api/v1/session", .post, key: nil,
                                            json: #"{"email": "\#(elsewhere.owner_email)", "password": "correct horse battery", "team_id": "\#(elsewhere.team_id)"}"#)
            #expect(own.status == .ok)
        }
    }
}
