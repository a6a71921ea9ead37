import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request as the receiver saw it.
struct ReceivedWebhook: Sendable {
    let headers: [String: String]
    let body: String
    /// What the receiver answered.
    let status: Int
}

/// A webhook receiver on 127.0.0.1: records every request (header names lowercased, body) and
/// answers `reply(n)` to the n-th request (0-based), so a test can fail it on purpose. It
/// counts TCP connections too, so a test can show a refused URL never connected.
final class WebhookReceiver: Sendable {
    let port: Int
    private let channel: any Channel
    private let state: ReceiverState

    var received: [ReceivedWebhook] { state.log.withLock { $0 } }
    var connections: Int { state.connections.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port)/hooks" }

    private init(port: Int, channel: any Channel, state: ReceiverState) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    static func start(reply: @escaping @Sendable (Int) -> Int = { _ in 200 }) async throws -> WebhookReceiver {
        let state = ReceiverState(reply: reply)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                state.connections.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(state: state))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return WebhookReceiver(port: channel.localAddress!.port!, channel: channel, state: state)
    }

    func stop() async { try? await channel.close() }
}

private final class ReceiverState: Sendable {
    let reply: @Sendable (Int) -> Int
    let log = Mutex<[ReceivedWebhook]>([])
    let connections = Mutex(0)
    init(reply: @escaping @Sendable (Int) -> Int) { self.reply = reply }

    /// Numbers the request and records it with the answer it gets.
    func answer(headers: [String: String], body: String) -> Int {
        log.withLock { log in
            let status = reply(log.count)
            log.append(ReceivedWebhook(headers: headers, body: body, status: status))
            return status
        }
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let state: ReceiverState
    var headers: [String: String] = [:]
    var body = ByteBuffer()

    init(state: ReceiverState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            let status = state.answer(headers: headers, body: String(buffer: body))
            let text = status < 300 ? "ok" : "not now"
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status),
                                                                 headers: ["content-length": "\(text.utf8.count)"]))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
