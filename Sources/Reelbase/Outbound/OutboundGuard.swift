import Foundation

/// A URL that passed every check, with the one address the request must connect to.
struct CheckedTarget: Sendable {
    let url: URL
    /// The host exactly as the HTTP client reads it from `url` (`URL.host`, brackets trimmed).
    let host: String
    let port: Int
    let address: IPAddress
    let hostIsIPLiteral: Bool
}

/// Checks one URL (the first one or a redirect target) against the outbound policy. Every
/// request Reelbase makes on its own goes through one of these, then connects only to the
/// address it returns (see `withPinnedClient`).
public struct OutboundGuard: Sendable {
    public let policy: OutboundPolicy
    let resolver: any HostResolver

    public init(policy: OutboundPolicy = .init(), resolver: any HostResolver = SystemHostResolver()) {
        self.policy = policy
        self.resolver = resolver
    }

    /// The same resolver under another policy.
    public func with(_ policy: OutboundPolicy) -> OutboundGuard { OutboundGuard(policy: policy, resolver: resolver) }

    /// Why `text` may not be called; nil when it may.
    public func refusal(of text: String) async -> URLFetchError? {
        guard let url = URL(string: text) else { return .invalidURL(text) }
        do {
            _ = try await check(url)
            return nil
        } catch {
            return error
        }
    }

    func check(_ url: URL) async throws(URLFetchError) -> CheckedTarget {
        let text = url.absoluteString
        guard let scheme = url.scheme?.lowercased() else { throw .invalidURL(text) }
        guard scheme == "https" || scheme == "http" else { throw .schemeNotAllowed(scheme) }
        guard url.user == nil, url.password == nil else { throw .hostNotAllowed(text, reason: "credentials in URL") }
        // The same host string AsyncHTTPClient uses: percent-decoded, IDNA-encoded.
        guard var host = url.host, !host.isEmpty else { throw .invalidURL(text) }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else { throw .invalidURL(text) }
        if scheme == "http", !policy.allowsHTTP(host: host, port: port) { throw .schemeNotAllowed(scheme) }

        let literal = try Self.parseLiteral(host)
        let addresses: [IPAddress]
        if let literal {
            addresses = [literal]
        } else {
            guard host.utf8.allSatisfy(Self.isHostNameByte) else {
                throw .hostNotAllowed(host, reason: "characters not allowed in a host name")
            }
            do { addresses = try await resolver.addresses(for: host) } catch { throw .resolutionFailed(host: host) }
            guard !addresses.isEmpty else { throw .resolutionFailed(host: host) }
        }

        // Test-only: an exact "host:port" may reach a loopback test server.
        let exempt = policy.allowPrivateAddresses || policy.exemptHostPortsForTesting.contains("\(host.lowercased()):\(port)")
        if !exempt {
            // Every answer must be allowed: a name that mixes public and private answers is refused.
            for address in addresses {
                if let range = AddressPolicy.blockedRange(address) {
                    throw .addressBlocked(host: host, address: address.description, range: range)
                }
            }
        }
        // Odd spellings of public IPv4 addresses have no honest use; passing only the canonical
        // form on means the client cannot read the literal differently from us.
        if case .v4? = literal, !IPAddress.isCanonicalIPv4(host) {
            throw .hostNotAllowed(host, reason: "non-canonical IPv4 address")
        }
        return CheckedTarget(url: url, host: host, port: port, address: addresses[0], hostIsIPLiteral: literal != nil)
    }

    /// An IP literal; nil for a name; throws for something that looks numeric but is not a
    /// valid address (like `1.2.3.256` or `1.2.3.4.5`), which resolvers handle inconsistently.
    static func parseLiteral(_ host: String) throws(URLFetchError) -> IPAddress? {
        if host.contains(":") {
            guard let v6 = IPAddress.parseIPv6(host) else { throw .hostNotAllowed(host, reason: "malformed IPv6 address") }
            return v6
        }
        if let v4 = IPAddress.parseIPv4(host) { return v4 }
        // As browsers do: a host whose last label is a number must be a valid IPv4 address.
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.last == "", labels.count > 1 { labels.removeLast() }
        if let last = labels.last, looksNumeric(last) {
            throw .hostNotAllowed(host, reason: "malformed IPv4 address")
        }
        return nil
    }

    static func looksNumeric(_ label: Substring) -> Bool {
        let lower = label.lowercased()
        if lower.hasPrefix("0x") { return lower.dropFirst(2).allSatisfy(\.isHexDigit) }
        return !lower.isEmpty && lower.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isHostNameByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
