/// Why an address may not be fetched from: it is not a public unicast address on the Internet.
public enum BlockedRange: String, Sendable, Hashable {
    case unspecified, thisNetwork = "this network", loopback, privateUse = "private"
    case carrierGradeNAT = "carrier-grade NAT", linkLocal = "link-local", cloudMetadata = "cloud metadata"
    case multicast, broadcast, reserved, benchmarking, documentation
    case ietfProtocol = "IETF protocol assignment", uniqueLocal = "unique-local"
}

/// Decides whether an IP address is a public unicast address we may connect to on a user's
/// behalf (server-side request forgery guard). IPv6 forms that carry an IPv4 address
/// (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64, 6to4) are judged by that IPv4 address.
public enum AddressPolicy {
    /// nil when the address is allowed.
    public static func blockedRange(_ address: IPAddress) -> BlockedRange? {
        switch address {
        case .v4(let a): return blockedRange(v4: a)
        case .v6(let b): return blockedRange(v6: b, address)
        }
    }

    // Instance metadata services: AWS/GCP/Azure/OpenStack, Azure WireServer (a public
    // address!), Alibaba, and AWS's IPv6 endpoint.
    static let metadataAddresses: Set<IPAddress> = [
        IPAddress.parseIPv4("169.254.169.254")!, IPAddress.parseIPv4("168.63.129.16")!,
        IPAddress.parseIPv4("100.100.100.200")!, IPAddress.parseIPv6("fd00:ec2::254")!,
    ]

    // IANA IPv4 special-purpose registry, plus multicast and the old class E.
    static let v4Ranges: [(prefix: String, bits: Int, range: BlockedRange)] = [
        ("0.0.0.0", 8, .thisNetwork), ("10.0.0.0", 8, .privateUse), ("100.64.0.0", 10, .carrierGradeNAT),
        ("127.0.0.0", 8, .loopback), ("169.254.0.0", 16, .linkLocal), ("172.16.0.0", 12, .privateUse),
        ("192.0.0.0", 24, .ietfProtocol), ("192.0.2.0", 24, .documentation), ("192.88.99.0", 24, .reserved),
        ("192.168.0.0", 16, .privateUse), ("198.18.0.0", 15, .benchmarking), ("198.51.100.0", 24, .documentation),
        ("203.0.113.0", 24, .documentation), ("224.0.0.0", 4, .multicast), ("240.0.0.0", 4, .reserved),
    ]

    // Checked in order, most specific first. Anything outside 2000::/3 is refused afterwards.
    static let v6Ranges: [(prefix: String, bits: Int, range: BlockedRange)] = [
        ("64:ff9b:1::", 48, .reserved),       // local-use NAT64: translates to anything
        ("100::", 64, .reserved),             // discard-only
        ("2001:2::", 48, .benchmarking),
        ("2001:db8::", 32, .documentation),
        ("2001::", 23, .ietfProtocol),        // includes Teredo, which tunnels to IPv4
        ("3fff::", 20, .documentation),
        ("5f00::", 16, .reserved),            // SRv6 SIDs
        ("fc00::", 7, .uniqueLocal),
        ("fe80::", 10, .linkLocal),
        ("fec0::", 10, .reserved),            // deprecated site-local
        ("ff00::", 8, .multicast),
    ]

    static func blockedRange(v4 a: UInt32) -> BlockedRange? {
        if a == 0 { return .unspecified }
        if a == UInt32.max { return .broadcast }
        if metadataAddresses.contains(.v4(a)) { return .cloudMetadata }
        for entry in v4Ranges {
            guard case .v4(let base)? = IPAddress.parseIPv4(entry.prefix) else { continue }
            if a >> (32 - entry.bits) == base >> (32 - entry.bits) { return entry.range }
        }
        return nil
    }

    static func blockedRange(v6 b: [UInt8], _ address: IPAddress) -> BlockedRange? {
        let zeros = { (n: Int) in b.prefix(n).allSatisfy { $0 == 0 } }
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if zeros(15), b[15] == 1 { return .loopback }
        if metadataAddresses.contains(address) { return .cloudMetadata }
        if zeros(10), b[10] == 0xFF, b[11] == 0xFF {  // ::ffff:a.b.c.d  IPv4-mapped
            return blockedRange(v4: address.embeddedIPv4(at: 12)!)
        }
        if zeros(12) {  // ::a.b.c.d  IPv4-compatible, deprecated: refuse even if public
            return blockedRange(v4: address.embeddedIPv4(at: 12)!) ?? .reserved
        }
        if zeros(8), b[8] == 0xFF, b[9] == 0xFF, b[10] == 0, b[11] == 0 {  // ::ffff:0:a.b.c.d  IPv4-translated
            return blockedRange(v4: address.embeddedIPv4(at: 12)!) ?? .reserved
        }
        if matches(b, "64:ff9b::", bits: 96) {  // NAT64: the gateway connects to the embedded IPv4
            return blockedRange(v4: address.embeddedIPv4(at: 12)!)
        }
        if matches(b, "2002::", bits: 16) {  // 6to4: 2002:AABB:CCDD::/48 routes to A.B.C.D
            return blockedRange(v4: address.embeddedIPv4(at: 2)!)
        }
        for entry in v6Ranges where matches(b, entry.prefix, bits: entry.bits) {
            return entry.range
        }
        return b[0] & 0xE0 == 0x20 ? nil : .reserved  // only global unicast 2000::/3 is allowed
    }

    static func matches(_ bytes: [UInt8], _ prefix: String, bits: Int) -> Bool {
        guard case .v6(let base)? = IPAddress.parseIPv6(prefix) else { return false }
        let whole = bits / 8, rest = bits % 8
        guard bytes.prefix(whole) == base.prefix(whole) else { return false }
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - rest)
        return bytes[whole] & mask == base[whole] & mask
    }
}
