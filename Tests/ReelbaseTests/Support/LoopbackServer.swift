import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// What the test server answers for a path.
enum TestReply: Sendable {
    case ok(contentType: String, body: [UInt8])
    /// Any status with a body (a fake provider's JSON, an error page).
    case answer(Int, contentType: String, body: String)
    case redirect(String, status: Int = 302)
    case status(Int)
    /// Chunked body of `chunks` × `size` bytes, no Content-Length.
    case stream(chunks: Int, size: Int)
    /// Claims a Content-Length, sends a little and then nothing more.
    case lyingLength(Int)
    /// Accepts the request and never answers.
    case stall
}

/// A tiny HTTP/1 server on 127.0.0.1 (and ::1 on the same port when possible) that counts
/// every TCP connection it accepts, so a test can prove that a refused URL never connected.
final class LoopbackServer: Sendable {
    let port: Int
    private let channels: [any Channel]
    private let counter: ConnectionCounter

    /// TCP connections accepted so far.
    var connections: Int { counter.count.withLock { $0 } }

    private init(port: Int, channels: [any Channel], counter: ConnectionCounter) {
        self.port = port
        self.channels = channels
        self.counter = counter
    }

    static func start(_ routes: @escaping @Sendable (String) -> TestReply) async throws -> LoopbackServer {
        let counter = ConnectionCounter()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.count.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RouteHandler(routes: routes))
                }
            }
        let v4 = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let port = v4.localAddress!.port!
        var channels = [v4]
        // Also catch spellings that would land on ::1; fine to skip if IPv6 is off.
        if let v6 = try? await bootstrap.bind(host: "::1", port: port).get() { channels.append(v6) }
        return LoopbackServer(port: port, channels: channels, counter: counter)
    }

    func stop() async {
        for channel in channels { try? await channel.close() }
    }
}

private final class ConnectionCounter: Sendable {
    let count = Mutex(0)
}

private final class RouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let routes: @Sendable (String) -> TestReply
    var path = "/"

    init(routes: @escaping @Sendable (String) -> TestReply) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = head.uri
        case .body: break
        case .end: respond(routes(path), context: context)
        }
    }

    private func respond(_ reply: TestReply, context: ChannelHandlerContext) {
        func head(_ code: Int, _ headers: [(String, String)]) {
            let status = HTTPResponseStatus(statusCode: code)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status,
                                                                 headers: HTTPHeaders(headers)))), promise: nil)
        }
        func body(_ bytes: [UInt8]) {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
        }
        switch reply {
        case .ok(let type, let bytes):
            head(200, [("content-type", type), ("content-length", "\(bytes.count)")])
            body(bytes)
        case .answer(let code, let type, let text):
            head(code, [("content-type", type), ("content-length", "\(text.utf8.count)")])
            body(Array(text.utf8))
        case .redirect(let location, let code):
            head(code, [("location", location), ("content-length", "0")])
        case .status(let code):
            head(code, [("content-length", "0")])
        case .stream(let chunks, let size):
            head(200, [("content-type", "image/png")])
            for _ in 0..<chunks { body([UInt8](repeating: 0x41, count: size)) }
        case .lyingLength(let length):
            head(200, [("content-type", "image/png"), ("content-length", "\(length)")])
            body([0x89, 0x50])
            context.flush()
            return
        case .stall:
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
