import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// What one POST to an endpoint came to.
struct WebhookAttempt: Sendable {
    let status: Int?
    let latencyMs: Int?
    let error: String?
    /// The outbound guard refused the URL: nothing was sent, and retrying will not help.
    let refused: Bool

    var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// POSTs one signed event through the outbound guard: the URL is checked again (the address it
/// resolves to now, not the one at creation), the connection pinned to the checked address, no
/// redirects, a short deadline. Never throws: every outcome is a `WebhookAttempt`.
struct WebhookSender: Sendable {
    let guardian: OutboundGuard
    let timeout: Duration

    func send(url text: String, headers: [(String, String)], body: String) async -> WebhookAttempt {
        guard let url = URL(string: text) else { return WebhookAttempt(status: nil, latencyMs: nil, error: "invalid URL", refused: true) }
        let target: CheckedTarget
        do { target = try await guardian.check(url) } catch {
            return WebhookAttempt(status: nil, latencyMs: nil, error: "refused by the outbound guard: \(error)", refused: error.isPolicyRefusal)
        }
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).seconds * 1000) }
        do {
            let (status, excerpt) = try await guardian.withPinnedClient(target, connectTimeout: timeout, readTimeout: timeout) { client in
                var request = HTTPClientRequest(url: target.url.absoluteString)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.headers.add(name: "user-agent", value: "Reelbase-Webhooks/1")
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await client.execute(request, timeout: .init(timeout))
                // Read (a little of) the answer so the connection ends cleanly; only an excerpt is kept.
                let answer = try await response.body.collect(upTo: 64 * 1024)
                return (Int(response.status.code), String(buffer: answer).prefix(200))
            }
            let ok = (200..<300).contains(status)
            return WebhookAttempt(status: status, latencyMs: elapsed(), error: ok ? nil : "HTTP \(status)\(excerpt.isEmpty ? "" : ": \(excerpt)")", refused: false)
        } catch {
            return WebhookAttempt(status: nil, latencyMs: elapsed(), error: "could not deliver: \(error)", refused: false)
        }
    }
}

/// At most `limit` deliveries to one endpoint at a time in this process, so a slow or failing
/// endpoint holds a few job slots, never all of them.
final class EndpointSlots: Sendable {
    let limit: Int
    private let inUse = Mutex<[UUID: Int]>([:])

    init(limit: Int) { self.limit = limit }

    func tryAcquire(_ endpoint: UUID) -> Bool {
        inUse.withLock { counts in
            guard counts[endpoint, default: 0] < limit else { return false }
            counts[endpoint, default: 0] += 1
            return true
        }
    }

    func release(_ endpoint: UUID) {
        inUse.withLock { counts in
            counts[endpoint, default: 1] -= 1
            if counts[endpoint] == 0 { counts[endpoint] = nil }
        }
    }
}
