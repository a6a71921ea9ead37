import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into every address it resolves to.
public protocol HostResolver: Sendable {
    func addresses(for host: String) async throws -> [IPAddress]
}

/// `getaddrinfo`, run on NIO's blocking-I/O thread pool so no event loop or task thread waits.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func addresses(for host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive { Self.getaddrinfoAddresses(host) }
    }

    static func getaddrinfoAddresses(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var node = list
        while let info = node?.pointee {
            if let sa = info.ai_addr {
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    let sin = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in.self)
                    addresses.append(.v4(UInt32(bigEndian: sin.sin_addr.s_addr)))
                case AF_INET6:
                    var sin6 = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in6.self)
                    addresses.append(.v6(withUnsafeBytes(of: &sin6.sin6_addr) { Array($0) }))
                default:
                    break
                }
            }
            node = info.ai_next
        }
        // getaddrinfo repeats addresses once per protocol; keep the first of each.
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}
