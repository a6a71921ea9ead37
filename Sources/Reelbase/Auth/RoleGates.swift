import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// The least role a gate lets through, as a type, so a handler's signature says who may call it.
public protocol RoleLevel: Sendable { static var minimum: Role { get } }
public enum ViewerLevel: RoleLevel { public static var minimum: Role { .viewer } }
public enum EditorLevel: RoleLevel { public static var minimum: Role { .editor } }
public enum OwnerLevel: RoleLevel { public static var minimum: Role { .owner } }

/// The request context behind a gate: it only exists with an identity of at least
/// `Level.minimum` (a child of `AppContext`, built after the auth middleware ran), so a handler
/// that takes an `EditorContext` cannot forget the check.
public struct GatedContext<Level: RoleLevel>: ChildRequestContext {
    public typealias ParentContext = AppContext
    public var coreContext: CoreRequestContextStorage
    public let identity: Identity
    public let requestID: String
    public let clientIP: String?

    public init(context: AppContext) throws {
        guard let identity = context.identity else { throw AppError.unauthenticated }
        guard identity.role >= Level.minimum else {
            throw AppError.forbidden("Your role (\(identity.role.rawValue)) cannot do this; it needs \(Level.minimum.rawValue) or higher.")
        }
        self.coreContext = context.coreContext
        self.identity = identity
        self.requestID = context.requestID
        self.clientIP = context.clientIP
    }

    /// The same request seen through a stricter gate, for the one route whose level depends on
    /// its input (`POST /generations/batch` without `dry_run`).
    func atLeast<Higher: RoleLevel>(_ level: Higher.Type) throws -> GatedContext<Higher> {
        var parent = AppContext(coreContext: coreContext, requestID: requestID, clientIP: clientIP)
        parent.identity = identity
        return try GatedContext<Higher>(context: parent)
    }

    public var maxUploadSize: Int { AppContext.jsonBodyLimit }
    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: JSONEncoder { JSONEncoder.api }
}

public typealias ViewerContext = GatedContext<ViewerLevel>
public typealias EditorContext = GatedContext<EditorLevel>
public typealias OwnerContext = GatedContext<OwnerLevel>

/// Which gate each route was registered through, so a test can prove that none is ungated
/// and none is registered twice.
public final class RouteLedger: Sendable {
    public struct Entry: Sendable, Hashable {
        public let method: String
        public let path: String
        public let gate: String
    }
    private let box = NIOLockedValueBox<[Entry]>([])
    public init() {}
    public var entries: [Entry] { box.withLockedValue { $0 } }
    func record(_ method: HTTPRequest.Method, _ path: String, gate: String) {
        box.withLockedValue { $0.append(Entry(method: method.rawValue, path: path, gate: gate)) }
    }
}

/// A route group that writes every route it adds into the ledger under its gate's name.
public struct Gate<Context: RequestContext>: RouterMethods {
    let group: RouterGroup<Context>
    let prefix: String
    let name: String
    let ledger: RouteLedger

    @discardableResult public func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method,
                                                                responder: Responder) -> Self where Responder.Context == Context {
        ledger.record(method, Self.join(prefix, "\(path)"), gate: name)
        group.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        group.add(middleware: middleware)
        return self
    }

    static func join(_ prefix: String, _ path: String) -> String {
        "/" + (prefix.split(separator: "/") + path.split(separator: "/")).joined(separator: "/")
    }
}

/// The three doors of the API plus the explicitly public routes.
public struct Gates {
    public let open: Gate<AppContext>
    public let viewer: Gate<ViewerContext>
    public let editor: Gate<EditorContext>
    public let owner: Gate<OwnerContext>

    /// `publicGroup` carries no authentication; `authed` runs the auth middleware first.
    init(publicGroup: RouterGroup<AppContext>, authed: RouterGroup<AppContext>, prefix: String, ledger: RouteLedger) {
        open = Gate(group: publicGroup, prefix: prefix, name: "public", ledger: ledger)
        viewer = Gate(group: authed.group(context: ViewerContext.self), prefix: prefix, name: "viewer", ledger: ledger)
        editor = Gate(group: authed.group(context: EditorContext.self), prefix: prefix, name: "editor", ledger: ledger)
        owner = Gate(group: authed.group(context: OwnerContext.self), prefix: prefix, name: "owner", ledger: ledger)
    }
}
