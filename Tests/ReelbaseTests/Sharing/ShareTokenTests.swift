import Foundation
import Testing
@testable import Reelbase

/// The token names its link only when this instance signed it, byte for byte.
@Suite struct ShareTokenTests {
    let tokens = ShareTokens(secrets: SecretBox(key: Data(repeating: 7, count: 32)))

    @Test func everyChangedCharacterAndAnotherInstancesKeyAreRefused() {
        let link = UUID()
        let token = tokens.issue(link: link)
        #expect(tokens.link(of: token) == link)
        #expect(tokens.issue(link: link) != token, "each link gets fresh random bytes")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for index in token.indices {
            var changed = token
            let current = changed[index]
            changed.replaceSubrange(index...index, with: String(alphabet.first { $0 != current }!))
            // The last character carries 2 unused bits: a change there may still decode to the same bytes.
            if index == token.index(before: token.endIndex) && Data(base64URL: changed) == Data(base64URL: token) { continue }
            #expect(tokens.link(of: changed) == nil, "position \(token.distance(from: token.startIndex, to: index))")
        }
        let elsewhere = ShareTokens(secrets: SecretBox(key: Data(repeating: 8, count: 32)))
        #expect(elsewhere.link(of: token) == nil)
        #expect(tokens.link(of: token + "A") == nil && tokens.link(of: String(token.dropLast())) == nil && tokens.link(of: "") == nil)
    }

    @Test func anUnlockCookieIsBoundToItsLinkItsPasswordAndItsExpiry() {
        let link = UUID(), now = Date()
        let until = Int64(now.timeIntervalSince1970) + 60
        let proof = tokens.unlockProof(link: link, passwordHash: "$2b$04$hash", until: until)
        #expect(tokens.isValidUnlock(proof, link: link, passwordHash: "$2b$04$hash", now: now))
        #expect(!tokens.isValidUnlock(proof, link: UUID(), passwordHash: "$2b$04$hash", now: now))
        #expect(!tokens.isValidUnlock(proof, link: link, passwordHash: "$2b$04$other", now: now))
        #expect(!tokens.isValidUnlock(proof, link: link, passwordHash: "$2b$04$hash", now: now.addingTimeInterval(61)))
        // Stretching the expiry breaks the MAC.
        let stretched = "\(until + 86_400)" + proof.drop { $0 != "." }
        #expect(!tokens.isValidUnlock(stretched, link: link, passwordHash: "$2b$04$hash", now: now))
    }
}
