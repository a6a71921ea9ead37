#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed by us so that every spelling a resolver accepts is seen.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// 16 bytes, network order.
    case v6([UInt8])

    /// Parses IPv4 the way `inet_aton` (and so `getaddrinfo`) and browsers do: 1 to 4 parts,
    /// each decimal, octal (leading `0`) or hex (`0x`); the last part fills the remaining bytes,
    /// so `127.1`, `127.0.1`, `2130706433`, `0177.0.0.1` and `0x7f.1` all mean 127.0.0.1.
    /// One trailing dot is accepted, as browsers do.
    public static func parseIPv4(_ text: String) -> IPAddress? {
        var text = Substring(text)
        if text.hasSuffix(".") { text = text.dropLast() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = parseIPv4Number(part) else { return nil }
            values.append(value)
        }
        let last = values.removeLast()
        guard values.allSatisfy({ $0 <= 255 }), last < (1 << (8 * (4 - values.count))) else { return nil }
        var address = last
        for (index, value) in values.enumerated() { address |= value << (24 - 8 * index) }
        return .v4(UInt32(address))
    }

    /// Parses a strict IPv6 literal (no brackets, no zone id) with `inet_pton`.
    public static func parseIPv6(_ text: String) -> IPAddress? {
        var storage = in6_addr()
        guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        return .v6(withUnsafeBytes(of: &storage) { Array($0) })
    }

    /// Whether `text` is a plain dotted quad of decimals (what we pass on to the HTTP client).
    public static func isCanonicalIPv4(_ text: String) -> Bool {
        guard case .v4(let value)? = parseIPv4(text) else { return false }
        return IPAddress.v4(value).description == text
    }

    /// The embedded IPv4 address in bytes `from..<from+4` of an IPv6 address.
    func embeddedIPv4(at from: Int) -> UInt32? {
        guard case .v6(let b) = self else { return nil }
        return (from..<from + 4).reduce(UInt32(0)) { $0 << 8 | UInt32(b[$1]) }
    }

    public var description: String {
        switch self {
        case .v4(let a):
            return "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
        case .v6(let bytes):
            var storage = in6_addr()
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    private static func parseIPv4Number(_ part: Substring) -> UInt64? {
        var digits = part
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
            if digits.isEmpty { return 0 }  // "0x" alone is 0 for inet_aton and browsers
        } else if digits.hasPrefix("0"), digits.count > 1 {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for character in digits {
            guard character.isASCII, let digit = character.hexDigitValue, UInt64(digit) < radix else { return nil }
            value = value * radix + UInt64(digit)
            if value > UInt64(UInt32.max) { return nil }  // also keeps the arithmetic from overflowing
        }
        return value
    }
}
