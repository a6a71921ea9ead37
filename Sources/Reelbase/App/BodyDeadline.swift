import Foundation
import Hummingbird
import NIOCore

/// A request body must arrive within `limit` of the request's start. The server's idle timeout
/// closes a connection that stops sending; this catches the one that sends a byte now and then.
struct BodyDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        request.body = RequestBody(asyncSequence: DeadlineBody(base: request.body, deadline: ContinuousClock.now + limit, limit: limit))
        return try await next(request, context)
    }
}

struct DeadlineBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let deadline: ContinuousClock.Instant
    let limit: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let deadline: ContinuousClock.Instant
        let limit: Duration

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            guard ContinuousClock.now <= deadline else {
                throw AppError(.requestTimeout, "body_too_slow", "The request body did not arrive within \(limit.components.seconds) s.")
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), deadline: deadline, limit: limit) }
}
