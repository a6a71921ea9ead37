import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct AuthTests {
    @Test func missingMalformedUnknownAndRevokedKeysGet401() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            #expect(try await client.call("/api/v1/me", key: nil).status == .unauthorized)
            for bad in ["nope", "rb_short_x", "rb_abcdefgh_" + String(repeating: "x", count: 40), team.api_key + "x"] {
                let response = try await client.call("/api/v1/me", key: bad)
                #expect(response.status == .unauthorized, "\(bad)")
                #expect(response.errorCode == "unauthenticated")
            }
            let basic = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == .unauthorized)

            let created = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "ci"}"#)
            #expect(created.status == .created)
            let body = try decode(APIKeyController.CreatedKey.self, from: created)
            let newKey = body.key
            let id = body.api_key.id.uuidString
            #expect(try await client.call("/api/v1/me", key: newKey).status == .ok)
            #expect(try await client.call("/api/v1/api-keys/\(id)", .delete, key: team.api_key).status == .ok)
            #expect(try await client.call("/api/v1/me", key: newKey).status == .unauthorized)
        }
    }

    @Test func keysAreShownOnceAndStoredOnlyAsADigest() async throws {
        let team = try await TestEnv.makeTeam()
        let newKey = try await TestEnv.withApp { client in
            let created = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "deploy"}"#)
            let key = try decode(APIKeyController.CreatedKey.self, from: created).key
            let list = try await client.call("/api/v1/api-keys", key: team.api_key)
            #expect(list.status == .ok)
            #expect(!list.text.contains(key))
            #expect(!list.text.contains(team.api_key))
            return key
        }
        // No column of the team's key rows holds either key, as text or as bytes (a bytea shows
        // as hex in the row's JSON), and the secret column is a 32-byte digest.
        let (rows, leaks) = try await TestEnv.withAdmin { db, logger in
            var leaks = 0
            for key in [newKey, team.api_key] {
                let hex = key.utf8.map { String(format: "%02x", $0) }.joined()
                let found = try await db.query("""
                    SELECT count(*) FROM api_keys k WHERE k.team_id = \(team.team_id)
                      AND (position(\(key) IN row_to_json(k)::text) > 0 OR position(\(hex) IN row_to_json(k)::text) > 0 OR octet_length(k.secret_sha256) <> 32)
                    """, logger: logger)
                leaks += try await found.decode(Int.self).firstElement() ?? -1
            }
            let rows = try await db.query("SELECT count(*) FROM api_keys WHERE team_id = \(team.team_id)", logger: logger)
            return (try await rows.decode(Int.self).firstElement() ?? -1, leaks)
        }
        #expect(rows == 2 && leaks == 0)
    }

    @Test func viewersCannotCreateKeysAndNobodyCanEscalate() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let viewer = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "read only", "role": "viewer"}"#)
            let viewerKey = try decode(APIKeyController.CreatedKey.self, from: viewer).key
            let denied = try await client.call("/api/v1/api-keys", .post, key: viewerKey, json: #"{"name": "mine"}"#)
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "forbidden")
            #expect(try await client.call("/api/v1/api-keys", key: viewerKey).status == .ok)

            let editor = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "ed", "role": "editor"}"#)
            let editorKey = try decode(APIKeyController.CreatedKey.self, from: editor).key
            let escalate = try await client.call("/api/v1/api-keys", .post, key: editorKey, json: #"{"name": "up", "role": "owner"}"#)
            #expect(escalate.status == .forbidden)
            let addMember = try await client.call("/api/v1/members", .post, key: editorKey, json: #"{"email": "x@example.com", "role": "viewer"}"#)
            #expect(addMember.status == .forbidden)
        }
    }

    @Test func anotherTeamsKeyIsA404IdenticalToAMissingOne() async throws {
        let a = try await TestEnv.makeTeam()
        let b = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let created = try await client.call("/api/v1/api-keys", .post, key: b.api_key, json: #"{"name": "b's"}"#)
            let bKey = try decode(APIKeyController.CreatedKey.self, from: created)
            let bKeyID = bKey.api_key.id.uuidString
            let foreign = try await client.call("/api/v1/api-keys/\(bKeyID)", .delete, key: a.api_key)
            let missing = try await client.call("/api/v1/api-keys/\(UUID())", .delete, key: a.api_key)
            let malformed = try await client.call("/api/v1/api-keys/not-a-uuid", .delete, key: a.api_key)
            #expect(foreign.status == .notFound)
            for other in [missing, malformed] {
                #expect(other.status == .notFound)
                // Everything but the request id is the same.
                let f = try decode(AppError.Body.self, from: foreign).error, o = try decode(AppError.Body.self, from: other).error
                #expect(f.code == o.code && f.message == o.message && f.details == o.details)
            }
            // b's key still works, and a never sees it.
            #expect(try await client.call("/api/v1/me", key: bKey.key).status == .ok)
            #expect(!(try await client.call("/api/v1/api-keys", key: a.api_key).text.contains(bKeyID)))
        }
    }

    @Test func browserSessionsNeedTheCSRFTokenToChangeAnything() async throws {
        let team = try await TestEnv.makeTeam()
        try await TestEnv.withApp { client in
            let wrong = try await client.call("/api/v1/session", .post, key: nil, json: #"{"email": "\#(team.owner_email)", "password": "wrong password"}"#)
            #expect(wrong.status == .unauthorized)
            let signIn = try await client.call("/api/v1/session", .post, key: nil, json: #"{"email": "\#(team.owner_email)", "password": "correct horse battery"}"#)
            #expect(signIn.status == .ok)
            let setCookie = try #require(signIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            let cookie = String(setCookie.split(separator: ";")[0])
            let csrf = try decode(SessionController.SessionInfo.self, from: signIn).csrf_token

            let me = try await client.call("/api/v1/me", key: nil, headers: [.cookie: cookie])
            #expect(me.status == .ok)
            #expect(try decode(MeController.Me.self, from: me).auth == "session")
            let noToken = try await client.call("/api/v1/api-keys", .post, key: nil, json: #"{"name": "x"}"#, headers: [.cookie: cookie])
            #expect(noToken.status == .forbidden)
            #expect(noToken.errorCode == "csrf_failed")
            let withToken = try await client.call("/api/v1/api-keys", .post, key: nil, json: #"{"name": "x"}"#, headers: [.cookie: cookie, .csrfToken: csrf])
            #expect(withToken.status == .created)
            #expect(try await client.call("/api/v1/session", .delete, key: nil, headers: [.cookie: cookie, .csrfToken: csrf]).status == .noContent)
            #expect(try await client.call("/api/v1/me", key: nil, headers: [.cookie: cookie]).status == .unauthorized)
        }
    }

    @Test func ownersAddMembersOnceAndTheGeneratedPasswordWorks() async throws {
        let team = try await TestEnv.makeTeam()
        let email = "new-\(UUID().uuidString.prefix(6))@example.com"
        try await TestEnv.withApp { client in
            let added = try await client.call("/api/v1/members", .post, key: team.api_key, json: #"{"email": "\#(email)", "role": "viewer"}"#)
            #expect(added.status == .created)
            let password = try #require(try decode(TeamRepository.Added.self, from: added).generated_password)
            let again = try await client.call("/api/v1/members", .post, key: team.api_key, json: #"{"email": "\#(email)", "role": "editor"}"#)
            #expect(again.status == .conflict)
            let signIn = try await client.call("/api/v1/session", .post, key: nil, json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
            #expect(signIn.status == .ok)
            #expect(try decode(SessionController.SessionInfo.self, from: signIn).role == .viewer)
            let members = try await client.call("/api/v1/members", key: team.api_key)
            #expect(members.text.contains(email))
            #expect(!members.text.contains("password"))
        }
    }
}
