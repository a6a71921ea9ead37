import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request as the receiver saw it.
struct ReceivedWebhook: Sendable {
    let path: String
    let headers: [String: String]
    let body: String
    /// What the receiver answered (0: nothing, it stalled).
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

    /// `stall(path)`: never answer requests to that path (a hung receiver).
    static func start(reply: @escaping @Sendable (Int) -> Int = { _ in 200 },
                      stall: @escaping @Sendable (String) -> Bool = { _ in false }) async throws -> WebhookReceiver {
        let state = ReceiverState(reply: reply, stall: stall)
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

    /// `options` with an outbound policy that allows exactly this receiver's host:port, as an
    /// operator would for a receiver on a private network.
    func allowedBy(_ options: PipelineHarness.Options) -> PipelineHarness.Options {
        var options = options
        let (port, configure) = (port, options.configure)
        options.configure = { config in
            configure(&config)
            config.outbound.httpHosts.insert("127.0.0.1:\(port)")
            config.outbound.exemptHostPortsForTesting = ["127.0.0.1:\(port)"]
        }
        return options
    }
}

private final class ReceiverState: Sendable {
    let reply: @Sendable (Int) -> Int
    let stall: @Sendable (String) -> Bool
    let log = Mutex<[ReceivedWebhook]>([])
    let connections = Mutex(0)
    init(reply: @escaping @Sendable (Int) -> Int, stall: @escaping @Sendable (String) -> Bool) {
        self.reply = reply
        self.stall = stall
    }

    /// Numbers the request and records it with the answer it gets (nil: it gets none).
    func answer(path: String, headers: [String: String], body: String) -> Int? {
        log.withLock { log in
            let status = stall(path) ? nil : reply(log.count)
            log.append(ReceivedWebhook(path: path, headers: headers, body: body, status: status ?? 0))
            return status
        }
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let state: ReceiverState
    var path = "/"
    var headers: [String: String] = [:]
    var body = ByteBuffer()

    init(state: ReceiverState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let status = state.answer(path: path, headers: headers, body: String(buffer: body)) else { return }
            let text = status < 300 ? "ok" : "not now"
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status),
                                                                 headers: ["content-length": "\(text.utf8.count)"]))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
