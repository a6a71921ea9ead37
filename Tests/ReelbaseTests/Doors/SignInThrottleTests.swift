import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct SignInThrottleTests {
    /// Guessing from one address slows that address down; the owner at their own desk still gets in.
    @Test func aStrangersTenWrongPasswordsDoNotLockTheOwnerOut() async throws {
        let team = try await TestEnv.makeTeam()
        try await Doors.withApp { client in
            var responses: [TestResponse] = []
            for _ in 0..<10 {
                responses.append(try await Doors.signIn(team.owner_email, password: "guess guess", from: "203.0.113.66", client: client))
            }
            #expect(responses.prefix(5).allSatisfy { $0.status == .unauthorized })
            // The stranger is slowed down...
            let refused = try #require(responses.first { $0.status == .tooManyRequests })
            #expect(refused.headers[.retryAfter] != nil)
            #expect(refused.errorCode == "too_many_attempts")
            // ...while the owner, from their own address, signs in at once.
            #expect(try await Doors.signIn(team.owner_email, from: "198.51.100.7", client: client).status == .ok)
        }
    }

    @Test func delaysGrowAndASuccessStartsThePairOver() async throws {
        let team = try await TestEnv.makeTeam()
        try await Doors.withApp { client in
            for _ in 0..<5 { _ = try await Doors.signIn(team.owner_email, password: "typo typo", from: "192.0.2.50", client: client) }
            let fifth = ContinuousClock.now
            let refused = try await Doors.signIn(team.owner_email, from: "192.0.2.50", client: client)
            // The fifth wrong password bought a one-second wait (unless this machine was slower than that).
            if ContinuousClock.now - fifth < .milliseconds(600) {
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] == "1")
                try await Task.sleep(for: .milliseconds(1200))
                #expect(try await Doors.signIn(team.owner_email, from: "192.0.2.50", client: client).status == .ok)
            } else {
                #expect(refused.status == .ok)
            }
            // Counted afresh after the success: five more wrong ones are plain 401s.
            for _ in 0..<4 {
                #expect(try await Doors.signIn(team.owner_email, password: "typo typo", from: "192.0.2.50", client: client).status == .unauthorized)
            }
        }
    }

    @Test func oldThrottleRowsArePruned() async throws {
        let team = try await TestEnv.makeTeam()
        let stale = Doors.email("stale")
        try await Library.exec("""
            INSERT INTO sign_in_throttle (email_key, ip, attempts, updated_at) VALUES ('\(stale)', '192.0.2.9', 3, now() - interval '2 days')
            """)
        let status = try await Doors.withApp { client in
            try await Doors.signIn(team.owner_email, from: "192.0.2.10", client: client).status
        }
        #expect(status == .ok)
        let staleRows = try await Library.count("SELECT count(*) FROM sign_in_throttle WHERE email_key = '\(stale)'")
        let ownerRows = try await Library.count("SELECT count(*) FROM sign_in_throttle WHERE email_key = '\(team.owner_email.lowercased())'")
        #expect(staleRows == 0)
        #expect(ownerRows == 1)
    }

    /// Parallel guesses are counted before any password is checked, so a burst cannot slip
    /// past the limit.
    @Test func parallelGuessesAreAllCounted() async throws {
        let team = try await TestEnv.makeTeam()
        try await Doors.withApp { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await Doors.signIn(team.owner_email, password: "burst burst", from: "203.0.113.77", client: client).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 15)
        }
    }
}
