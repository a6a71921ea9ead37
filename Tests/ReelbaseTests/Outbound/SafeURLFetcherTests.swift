import Foundation
import Testing
@testable import Reelbase

/// Resolves from a fixed table; unknown names fail.
struct FakeResolver: HostResolver {
    let table: [String: [IPAddress]]
    func addresses(for host: String) async throws -> [IPAddress] {
        guard let answer = table[host] else { throw URLFetchError.resolutionFailed(host: host) }
        return answer
    }
}

func ip(_ text: String) -> IPAddress { IPAddress.parseIPv4(text) ?? IPAddress.parseIPv6(text)! }

/// http:// is allowed only so these tests exercise the address guard rather than the scheme.
func testFetcher(exempt: Set<String> = [], resolver: any HostResolver = SystemHostResolver(),
                 configure: (inout SafeURLFetcher.Configuration) -> Void = { _ in }) -> SafeURLFetcher {
    var config = SafeURLFetcher.Configuration()
    config.policy.allowAnyHTTP = true
    config.policy.exemptHostPortsForTesting = exempt
    config.timeout = .seconds(5)
    configure(&config)
    return SafeURLFetcher(configuration: config, resolver: resolver)
}

func fetchError(_ fetcher: SafeURLFetcher, _ url: String) async -> URLFetchError? {
    do {
        _ = try await fetcher.fetch(url)
        return nil
    } catch {
        return error as? URLFetchError
    }
}

@Suite struct SafeURLFetcherTests {
    /// Host spellings (with the listener's port appended) and the reason each is refused.
    static let refusedHosts: [(host: String, range: BlockedRange?)] = [
        ("127.0.0.1", .loopback), ("localhost", .loopback), ("LOCALHOST", .loopback),
        ("2130706433", .loopback), ("0177.0.0.1", .loopback), ("0x7f.1", .loopback), ("127.1", .loopback),
        ("127.0.1", .loopback), ("0x7f000001", .loopback), ("017700000001", .loopback), ("127.0.0.1.", .loopback),
        ("127.0.0.2", .loopback), ("%31%32%37.0.0.1", .loopback), ("0", .unspecified), ("0.0.0.0", .unspecified),
        ("0x", .unspecified), ("[::]", .unspecified), ("[::1]", .loopback), ("[::ffff:127.0.0.1]", .loopback),
        ("[::ffff:7f00:1]", .loopback), ("[0:0:0:0:0:ffff:7f00:1]", .loopback), ("[::127.0.0.1]", .loopback),
        ("[::7f00:1]", .loopback), ("[64:ff9b::127.0.0.1]", .loopback), ("[64:ff9b::7f00:1]", .loopback),
        ("[2002:7f00:1::]", .loopback), ("10.0.0.1", .privateUse), ("172.16.0.1", .privateUse),
        ("192.168.1.1", .privateUse), ("169.254.169.254", .cloudMetadata), ("[fd00:ec2::254]", .cloudMetadata),
        ("[::ffff:169.254.169.254]", .cloudMetadata), ("[64:ff9b::a9fe:a9fe]", .cloudMetadata),
        ("[2002:a9fe:a9fe::]", .cloudMetadata), ("169.254.1.1", .linkLocal), ("[fe80::1]", .linkLocal),
        ("100.64.0.1", .carrierGradeNAT), ("224.0.0.1", .multicast), ("[ff02::1]", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("198.18.0.1", .benchmarking),
        ("192.0.2.1", .documentation), ("[fc00::1]", .uniqueLocal),
        // Not addresses at all, refused before any lookup (nil: no particular range).
        ("1.2.3.256", nil), ("1.2.3.4.5", nil), ("[fe80::1%25lo]", nil), ("0x7f.1.evil.0x1", nil),
    ]

    @Test func everyRefusedSpellingNeverReachesTheListener() async throws {
        let listener = try await LoopbackServer.start { _ in .ok(contentType: "image/png", body: ImageFixtures.png4x3) }
        defer { Task { await listener.stop() } }
        let fetcher = testFetcher()
        for (host, range) in Self.refusedHosts {
            let error = await fetchError(fetcher, "http://\(host):\(listener.port)/image.png")
            switch (error, range) {
            case (.addressBlocked(_, _, let got)?, let want?): #expect(got == want, "\(host)")
            case (.hostNotAllowed?, nil): break
            default: Issue.record("\(host): expected \(range.map(\.rawValue) ?? "hostNotAllowed"), got \(String(describing: error))")
            }
        }
        #expect(listener.connections == 0)

        // Control: the same listener, exempted, does see the request, so 0 above means something.
        let exempted = testFetcher(exempt: ["127.0.0.1:\(listener.port)"])
        let response = try await exempted.fetch("http://127.0.0.1:\(listener.port)/image.png")
        #expect(response.body == ImageFixtures.png4x3)
        #expect(try ImageInspector().inspect(response.body).format == .png)
        #expect(listener.connections == 1)
    }

    @Test func redirectsToInternalAddressesAreRefusedAtEachHop() async throws {
        let victim = try await LoopbackServer.start { _ in .ok(contentType: "image/png", body: ImageFixtures.png4x3) }
        let redirector = try await LoopbackServer.start { path in
            switch path {
            case "/image.png": .ok(contentType: "image/png", body: ImageFixtures.png4x3)
            case "/relative": .redirect("/image.png", status: 301)
            case let p where p.hasPrefix("/chain/"):
                Int(p.dropFirst(7)).map { $0 == 0 ? .redirect("/image.png") : .redirect("/chain/\($0 - 1)", status: 307) }
                    ?? .status(400)
            case "/file": .redirect("file:///etc/passwd")
            case "/nowhere": .status(302)
            case let p where p.hasPrefix("/to/"):
                .redirect("http://\(p.dropFirst(4).removingPercentEncoding!):\(victim.port)/image.png")
            default: .status(404)
            }
        }
        defer { Task { await victim.stop(); await redirector.stop() } }
        // Only the redirector's exact host:port is exempt; the victim's port on the same address is not.
        let fetcher = testFetcher(exempt: ["127.0.0.1:\(redirector.port)"])
        let base = "http://127.0.0.1:\(redirector.port)"

        for (host, range) in Self.refusedHosts where range != nil {
            let encoded = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let error = await fetchError(fetcher, "\(base)/to/\(encoded)")
            guard case .addressBlocked(_, _, let got)? = error else {
                Issue.record("redirect to \(host): got \(String(describing: error))"); continue
            }
            #expect(got == range, "\(host)")
        }
        #expect(victim.connections == 0)
        #expect(redirector.connections > 0)

        #expect(try await fetcher.fetch("\(base)/relative").redirects == 1)
        let threeHops = try await fetcher.fetch("\(base)/chain/2")
        #expect(threeHops.redirects == 3 && threeHops.url.path == "/image.png" && threeHops.body == ImageFixtures.png4x3)
        #expect(await fetchError(fetcher, "\(base)/chain/3") == .tooManyRedirects(limit: 3))
        #expect(await fetchError(fetcher, "\(base)/file") == .schemeNotAllowed("file"))
        #expect(await fetchError(fetcher, "\(base)/nowhere") == .badRedirect("status 302 without Location"))
        #expect(await fetchError(fetcher, "\(base)/missing") == .httpStatus(404))
    }

    @Test func connectsToTheCheckedAddressNotToASecondLookup() async throws {
        // "images.invalid" exists only in the fake resolver. If the HTTP client resolved the
        // name again itself, this fetch would fail; it succeeds because it dials the checked address.
        let server = try await LoopbackServer.start { _ in .ok(contentType: "image/png", body: ImageFixtures.png4x3) }
        defer { Task { await server.stop() } }
        let resolver = FakeResolver(table: ["images.invalid": [ip("127.0.0.1")]])
        let fetcher = testFetcher(exempt: ["images.invalid:\(server.port)"], resolver: resolver)
        let response = try await fetcher.fetch("http://images.invalid:\(server.port)/a.png")
        #expect(response.contentType == "image/png" && response.body == ImageFixtures.png4x3)
    }

    @Test func everyResolvedAddressIsChecked() async throws {
        let resolver = FakeResolver(table: [
            "mixed.example": [ip("93.184.216.34"), ip("10.0.0.7")],
            "v6.example": [ip("2606:4700::1111"), ip("::ffff:127.0.0.1")],
            "empty.example": [],
        ])
        let fetcher = testFetcher(resolver: resolver)
        #expect(await fetchError(fetcher, "https://mixed.example/a.png")
                == .addressBlocked(host: "mixed.example", address: "10.0.0.7", range: .privateUse))
        #expect(await fetchError(fetcher, "https://v6.example/a.png")
                == .addressBlocked(host: "v6.example", address: "::ffff:127.0.0.1", range: .loopback))
        #expect(await fetchError(fetcher, "https://empty.example/") == .resolutionFailed(host: "empty.example"))
        #expect(await fetchError(fetcher, "https://unknown.example/") == .resolutionFailed(host: "unknown.example"))
    }

    @Test func schemesAndURLShapes() async {
        let strict = SafeURLFetcher(resolver: FakeResolver(table: [:]))
        #expect(await fetchError(strict, "http://example.com/a.png") == .schemeNotAllowed("http"))
        #expect(await fetchError(strict, "ftp://example.com/a.png") == .schemeNotAllowed("ftp"))
        #expect(await fetchError(strict, "file:///etc/passwd") == .schemeNotAllowed("file"))
        #expect(await fetchError(strict, "gopher://127.0.0.1:6379/_INFO") == .schemeNotAllowed("gopher"))
        #expect(await fetchError(strict, "https://user:pw@example.com/")
                == .hostNotAllowed("https://user:pw@example.com/", reason: "credentials in URL"))
        let notAURL = await fetchError(strict, "not a url")
        guard case .invalidURL? = notAURL else { Issue.record("\(String(describing: notAURL))"); return }
        #expect(await fetchError(strict, "https:///path") == .invalidURL("https:///path"))
        #expect(await fetchError(strict, "https://8.8.2056/")
                == .hostNotAllowed("8.8.2056", reason: "non-canonical IPv4 address"))
        #expect(await fetchError(strict, "https://0x08080808/")
                == .hostNotAllowed("0x08080808", reason: "non-canonical IPv4 address"))
    }

    @Test func publicTargetsPassTheGuard() async throws {
        let guardian = OutboundGuard(policy: .init(), resolver: FakeResolver(table: ["cdn.example": [ip("93.184.216.34")]]))
        let named = try await guardian.check(URL(string: "https://cdn.example/x.png")!)
        #expect(named.host == "cdn.example" && named.port == 443 && named.address == ip("93.184.216.34") && !named.hostIsIPLiteral)
        let literal = try await guardian.check(URL(string: "https://[2606:4700::1111]:8443/x.png")!)
        #expect(literal.host == "2606:4700::1111" && literal.port == 8443 && literal.hostIsIPLiteral)
    }

    @Test func bodiesAreCappedAndSlowServersTimeOut() async throws {
        let server = try await LoopbackServer.start { path in
            switch path {
            case "/big": .stream(chunks: 40, size: 16_384)
            case "/lying": .lyingLength(50_000_000)
            case "/small": .ok(contentType: "image/png", body: [UInt8](repeating: 1, count: 65_536))
            default: .stall
            }
        }
        defer { Task { await server.stop() } }
        // Size checks get time to spare on a loaded machine; the stall check gets a short deadline.
        let fetcher = testFetcher(exempt: ["127.0.0.1:\(server.port)"]) {
            $0.maxBytes = 65_536
            $0.timeout = .seconds(20)
        }
        let impatient = testFetcher(exempt: ["127.0.0.1:\(server.port)"]) {
            $0.maxBytes = 65_536
            $0.timeout = .milliseconds(700)
        }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(await fetchError(fetcher, "\(base)/big") == .tooLarge(limit: 65_536))
        #expect(await fetchError(fetcher, "\(base)/lying") == .tooLarge(limit: 65_536))
        #expect(try await fetcher.fetch("\(base)/small").body.count == 65_536)  // the limit is inclusive
        let start = ContinuousClock.now
        #expect(await fetchError(impatient, "\(base)/stall") == .timedOut)
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}
