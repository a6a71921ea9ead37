import Foundation

/// The one rule for every request Reelbase makes on its own: image imports, provider calls to
/// a team-set base URL, video archive downloads, and whatever comes next (webhooks, look-ups).
/// https only; every resolved address must be a public one; the connection goes to the
/// address that was checked. The operator may loosen it, never a team.
public struct OutboundPolicy: Sendable, Equatable {
    /// Hosts the operator lets us reach over plain http (`REELBASE_OUTBOUND_HTTP_HOSTS`):
    /// lowercased `host` (any port) or `host:port`.
    public var httpHosts: Set<String> = []
    /// Private, loopback, link-local and metadata addresses may be reached. Only for targets the
    /// operator vouches for: its own configured URLs, or `REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS`.
    public var allowPrivateAddresses = false
    /// Plain http to any host: only for URLs the operator configured itself.
    public var allowAnyHTTP = false
    /// Tests only: exact lowercased `host:port` pairs that skip the address check.
    public var exemptHostPortsForTesting: Set<String> = []

    public init(httpHosts: Set<String> = [], allowPrivateAddresses: Bool = false) {
        self.httpHosts = httpHosts
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// For a URL the operator configured (environment, the demo simulator): any address, http too.
    public var trusted: OutboundPolicy {
        var policy = self
        policy.allowAnyHTTP = true
        policy.allowPrivateAddresses = true
        return policy
    }

    func allowsHTTP(host: String, port: Int) -> Bool {
        let host = host.lowercased()
        return allowAnyHTTP || httpHosts.contains(host) || httpHosts.contains("\(host):\(port)")
    }

    /// Parses `REELBASE_OUTBOUND_HTTP_HOSTS` (comma-separated `host` or `host:port`); nil when
    /// an entry is not a plain host name or address.
    static func parseHTTPHosts(_ raw: String) -> Set<String>? {
        var hosts = Set<String>()
        for entry in raw.split(separator: ",") {
            let item = entry.trimmingCharacters(in: .whitespaces).lowercased()
            guard !item.isEmpty, item.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:[]".contains($0)) }) else { return nil }
            hosts.insert(item)
        }
        return hosts
    }
}

/// `scheme://host:port` of a URL, to tell whether two URLs are served by the same place.
func origin(of url: URL) -> String? {
    guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
    return "\(scheme)://\(host):\(url.port ?? (scheme == "https" ? 443 : 80))"
}
