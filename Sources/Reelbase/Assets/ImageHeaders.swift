/// Magic-byte detection and the per-format header readers used by `ImageInspector`.
enum Signature {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]

    // Formats we recognise only to give a precise "unsupported" answer.
    static let others: [(prefix: [UInt8], name: String)] = [
        (Array("GIF87a".utf8), "gif"), (Array("GIF89a".utf8), "gif"),
        ([0x49, 0x49, 0x2A, 0x00], "tiff"), ([0x4D, 0x4D, 0x00, 0x2A], "tiff"),
        ([0xFF, 0x0A], "jxl"), ([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20], "jxl"),
        (Array("qoif".utf8), "qoi"),
    ]

    static func detect(_ b: ByteReader) throws(ImageInspectionError) -> ImageFormat {
        if b.count == 0 { throw .notAnImage }
        if let format = try strictPrefix(b, Self.png, .png) { return format }
        if let format = try strictPrefix(b, Self.jpeg, .jpeg) { return format }
        if b.matches("RIFF", at: 0) || (b.count < 4 && Array("RIFF".utf8).starts(with: b.bytes)) {
            try b.require(12)
            if b.matches("WEBP", at: 8) { return .webp }
            throw .notAnImage  // WAV, AVI, ...
        }
        for (prefix, name) in others where b.bytes.starts(with: prefix) {
            throw .unsupportedType(name)
        }
        // BMP: "BM" alone is too common in text, so also require a known DIB header size.
        if b.matches("BM", at: 0), b.count >= 18, [12, 40, 52, 56, 64, 108, 124].contains(try b.u32le(14)) {
            throw .unsupportedType("bmp")
        }
        // ISO base media (AVIF, HEIC): "ftyp" box at offset 4, brand after it.
        if b.matches("ftyp", at: 4), b.count >= 12 {
            let brand = String(decoding: b.bytes[8..<12], as: UTF8.self)
            if ["avif", "avis"].contains(brand) { throw .unsupportedType("avif") }
            if ["heic", "heix", "hevc", "mif1", "msf1"].contains(brand) { throw .unsupportedType("heic") }
        }
        throw .notAnImage
    }

    /// The format when the bytes start with `signature`; `.truncated` when they are a
    /// shorter prefix of it; nil otherwise.
    private static func strictPrefix(_ b: ByteReader, _ signature: [UInt8], _ format: ImageFormat)
        throws(ImageInspectionError) -> ImageFormat? {
        if b.bytes.starts(with: signature) { return format }
        if b.count < signature.count, signature.starts(with: b.bytes) { throw .truncated(needed: signature.count) }
        return nil
    }
}

extension ImageInspector {
    /// PNG: the first chunk must be IHDR (length 13): width and height are big-endian u32.
    static func readPNG(_ b: ByteReader) throws(ImageInspectionError) -> ImageInfo {
        try b.require(24)
        guard try b.u32be(8) == 13, b.matches("IHDR", at: 12) else { throw .malformed("PNG does not start with IHDR") }
        let width = try b.u32be(16), height = try b.u32be(20)
        // The PNG spec caps both at 2^31 - 1; zero is invalid.
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else {
            throw .malformed("PNG dimensions \(width)×\(height)")
        }
        return ImageInfo(format: .png, width: width, height: height)
    }

    /// JPEG: walk the marker segments after SOI until a start-of-frame (SOFn).
    static func readJPEG(_ b: ByteReader) throws(ImageInspectionError) -> ImageInfo {
        var pos = 2
        while true {
            guard try b.u8(pos) == 0xFF else { throw .malformed("JPEG marker expected at byte \(pos)") }
            // Any number of 0xFF fill bytes may precede a marker.
            while try b.u8(pos + 1) == 0xFF { pos += 1 }
            let marker = try b.u8(pos + 1)
            pos += 2
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue  // standalone markers: no length field
            case 0xD8, 0xD9, 0xDA, 0x00:
                throw .malformed(String(format2: marker) + " before the frame header")
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                // SOFn: length(2) precision(1) height(2) width(2)
                let height = try b.u16be(pos + 3), width = try b.u16be(pos + 5)
                guard width > 0, height > 0 else { throw .malformed("JPEG dimensions \(width)×\(height)") }
                return ImageInfo(format: .jpeg, width: width, height: height)
            default:
                // DHT, DQT, APPn, COM, DRI, ...: skip by the segment's length (which includes itself).
                let length = try b.u16be(pos)
                guard length >= 2 else { throw .malformed("JPEG segment length \(length)") }
                pos += length
            }
        }
    }

    /// WebP: RIFF container; the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended).
    static func readWebP(_ b: ByteReader) throws(ImageInspectionError) -> ImageInfo {
        try b.require(20)
        let width: Int, height: Int
        if b.matches("VP8 ", at: 12) {
            // Frame tag (3 bytes, bit 0 = 0 for a key frame), start code 9D 01 2A, then 14-bit sizes.
            try b.require(30)
            guard try b.u8(20) & 1 == 0, try b.u8(23) == 0x9D, try b.u8(24) == 0x01, try b.u8(25) == 0x2A else {
                throw .malformed("WebP VP8 key frame header")
            }
            width = try b.u16le(26) & 0x3FFF
            height = try b.u16le(28) & 0x3FFF
        } else if b.matches("VP8L", at: 12) {
            // Signature 0x2F, then width-1 and height-1 as 14-bit fields.
            try b.require(25)
            guard try b.u8(20) == 0x2F else { throw .malformed("WebP VP8L signature") }
            let bits = try b.u32le(21)
            width = (bits & 0x3FFF) + 1
            height = ((bits >> 14) & 0x3FFF) + 1
        } else if b.matches("VP8X", at: 12) {
            // Flags (1) + reserved (3), then canvas width-1 and height-1 as 24-bit fields.
            try b.require(30)
            width = try b.u24le(24) + 1
            height = try b.u24le(27) + 1
        } else {
            throw .malformed("unknown WebP chunk")
        }
        guard width > 0, height > 0 else { throw .malformed("WebP dimensions \(width)×\(height)") }
        return ImageInfo(format: .webp, width: width, height: height)
    }
}

extension String {
    fileprivate init(format2 marker: Int) {
        let hex = String(marker, radix: 16, uppercase: true)
        self = "marker FF" + (hex.count < 2 ? "0" + hex : hex)
    }
}
