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

    @Test func theOperatorSetsFreeAttemptsAndTheAddressCeiling() async throws {
        let base = ["DATABASE_URL": "postgres://reelbase@127.0.0.1:5432/reelbase", "REELBASE_SECRET_KEY": "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXQ="]
        let defaults = try AppConfig.fromEnvironment(base).signIn
        #expect(defaults.freeAttempts == 5 && defaults.addressCeiling == 100)
        let set = try AppConfig.fromEnvironment(base.merging(["REELBASE_SIGNIN_FREE_ATTEMPTS": "2", "REELBASE_SIGNIN_ADDRESS_CEILING": "3"]) { $1 })
        #expect(set.signIn.freeAttempts == 2 && set.signIn.addressCeiling == 3)
        #expect {
            try AppConfig.fromEnvironment(base.merging(["REELBASE_SIGNIN_FREE_ATTEMPTS": "0", "REELBASE_SIGNIN_ADDRESS_CEILING": "lots"]) { $1 })
        } throws: { error in
            ["REELBASE_SIGNIN_FREE_ATTEMPTS=0", "REELBASE_SIGNIN_ADDRESS_CEILING=lots"].allSatisfy(String(describing: error).contains)
        }

        var config = try TestEnv.config()
        config.trustForwardedFor = true
        config.signIn = set.signIn
        let team = try await TestEnv.makeTeam()
        // An address of its own, so other tests' tries from it do not count here.
        let address = "198.18.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        let app = try await buildApplication(config, logger: TestEnv.logger)
        try await app.test(.router) { client in
            // Two free wrong passwords (the default is five): the pair now has to wait.
            for _ in 0..<2 {
                #expect(try await Doors.signIn(team.owner_email, password: "typo typo", from: address, client: client).status == .unauthorized)
            }
            let waiting = try await Library.count("""
                SELECT count(*) FROM sign_in_throttle WHERE email_key = '\(team.owner_email.lowercased())' AND ip = '\(address)' AND blocked_until IS NOT NULL
                """)
            #expect(waiting == 1)
            // Three tries on other accounts from one address reach its ceiling of three (the default is 100).
            for _ in 0..<3 { _ = try await Doors.signIn(Doors.email("spray"), password: "guess guess", from: address, client: client) }
            let refused = try await Doors.signIn(Doors.email("spray"), password: "guess guess", from: address, client: client)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "too_many_attempts")
        }
    }
}
