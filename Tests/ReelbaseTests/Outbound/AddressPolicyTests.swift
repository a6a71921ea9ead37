import Testing
@testable import Reelbase

#if canImport(Glibc)
import Glibc
#endif

@Suite struct AddressPolicyTests {
    /// Every odd IPv4 spelling of 127.0.0.1 that inet_aton / getaddrinfo / browsers accept.
    static let loopbackSpellings = [
        "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.1", "0x7f000001",
        "017700000001", "0X7F.0.0.0x1", "0177.0.0.01", "127.0.0.1.", "0x7f.0.0.1",
    ]

    @Test(arguments: loopbackSpellings)
    func oddIPv4SpellingsParseToLoopback(spelling: String) {
        #expect(IPAddress.parseIPv4(spelling) == IPAddress.parseIPv4("127.0.0.1"))
        #expect(IPAddress.parseIPv4(spelling).flatMap(AddressPolicy.blockedRange) == .loopback)
    }

    @Test func theSystemResolverAgreesWithOurParser() async throws {
        for spelling in Self.loopbackSpellings where !spelling.hasSuffix(".") {  // inet_aton has no trailing dot
            let resolved = try await SystemHostResolver().addresses(for: spelling)
            #expect(resolved == [IPAddress.parseIPv4("127.0.0.1")!], "getaddrinfo(\(spelling))")
        }
    }

    @Test func parserAgreesWithInetAtonOnRandomStrings() {
        // Wherever glibc's inet_aton accepts a string, we must accept it and read the same address.
        let alphabet = Array("0123456789xX.abcfF8")
        var rng = SystemRandomNumberGenerator()
        var agreed = 0
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 1...14, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            var addr = in_addr()
            guard inet_aton(text, &addr) != 0 else { continue }
            #expect(IPAddress.parseIPv4(text) == .v4(UInt32(bigEndian: addr.s_addr)), "\(text)")
            agreed += 1
        }
        #expect(agreed > 100)
    }

    @Test(arguments: ["", ".", "1..1", "256.0.0.1", "1.2.3.4.5", "08.0.0.1", "0x1g", "1.2.3.256", "4294967296",
                      "-1", "+1", "1 .2", "１２７.0.0.1", "1.16777216.0" /* 2nd of 3 parts > 255 */])
    func notIPv4(text: String) {
        #expect(IPAddress.parseIPv4(text) == nil)
    }

    @Test(arguments: [
        // IPv4
        ("0.0.0.0", BlockedRange.unspecified), ("0.1.2.3", .thisNetwork), ("127.255.255.254", .loopback),
        ("10.1.2.3", .privateUse), ("172.16.0.1", .privateUse), ("172.31.255.255", .privateUse),
        ("192.168.0.1", .privateUse), ("169.254.1.1", .linkLocal), ("169.254.169.254", .cloudMetadata),
        ("168.63.129.16", .cloudMetadata), ("100.100.100.200", .cloudMetadata), ("100.64.0.1", .carrierGradeNAT),
        ("100.127.255.255", .carrierGradeNAT), ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("198.18.0.1", .benchmarking),
        ("198.19.255.255", .benchmarking), ("192.0.2.1", .documentation), ("198.51.100.7", .documentation),
        ("203.0.113.9", .documentation), ("192.0.0.170", .ietfProtocol), ("192.88.99.1", .reserved),
        // IPv6
        ("::", .unspecified), ("::1", .loopback), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("fc00::1", .uniqueLocal), ("fd12:3456::1", .uniqueLocal), ("fd00:ec2::254", .cloudMetadata),
        ("ff02::1", .multicast), ("fec0::1", .reserved), ("100::1", .reserved), ("2001:db8::1", .documentation),
        ("2001::1", .ietfProtocol), ("2001:2::1", .benchmarking), ("3fff::1", .documentation), ("::2:0:0:1", .reserved),
        // IPv6 carrying a bad IPv4
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("0:0:0:0:0:ffff:7f00:0001", .loopback),
        ("::ffff:10.0.0.1", .privateUse), ("::ffff:169.254.169.254", .cloudMetadata), ("::127.0.0.1", .loopback),
        ("::7f00:1", .loopback), ("::8.8.8.8", .reserved), ("::ffff:0:127.0.0.1", .loopback),
        ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::7f00:1", .loopback), ("64:ff9b::a9fe:a9fe", .cloudMetadata),
        ("64:ff9b::192.168.0.1", .privateUse), ("64:ff9b:1::1", .reserved), ("2002:7f00:1::", .loopback),
        ("2002:a9fe:a9fe::1", .cloudMetadata), ("2002:c0a8:101::", .privateUse),
    ])
    func blocked(address: String, range: BlockedRange) throws {
        let ip = try #require(IPAddress.parseIPv4(address) ?? IPAddress.parseIPv6(address))
        #expect(AddressPolicy.blockedRange(ip) == range, "\(address)")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255",
                      "100.128.0.1", "169.253.1.1", "198.17.255.255", "223.255.255.255", "2606:4700::1111",
                      "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"])
    func allowed(address: String) throws {
        let ip = try #require(IPAddress.parseIPv4(address) ?? IPAddress.parseIPv6(address))
        #expect(AddressPolicy.blockedRange(ip) == nil, "\(address)")
    }

    @Test func descriptions() {
        #expect(IPAddress.parseIPv4("0x7f.1")?.description == "127.0.0.1")
        #expect(IPAddress.parseIPv6("0:0:0:0:0:ffff:7f00:1")?.description == "::ffff:127.0.0.1")
        #expect(IPAddress.parseIPv6("fe80::1%eth0") == nil)
        #expect(IPAddress.isCanonicalIPv4("8.8.8.8") && !IPAddress.isCanonicalIPv4("8.8.2056"))
    }
}
