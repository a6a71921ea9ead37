import Testing
@testable import Reelbase

@Suite struct ImageInspectorTests {
    let inspector = ImageInspector()

    static let real: [([UInt8], ImageFormat, Int, Int)] = [
        (ImageFixtures.png4x3, .png, 4, 3),
        (ImageFixtures.jpeg3x2, .jpeg, 3, 2),
        (ImageFixtures.progressiveJPEG5x4, .jpeg, 5, 4),
        (ImageFixtures.webpLossy7x3, .webp, 7, 3),
        (ImageFixtures.webpLossless9x6, .webp, 9, 6),
        (ImageFixtures.webpExtended11x13, .webp, 11, 13),
    ]

    @Test(arguments: real)
    func readsRealImages(bytes: [UInt8], format: ImageFormat, width: Int, height: Int) throws {
        let info = try inspector.inspect(bytes)
        #expect(info == ImageInfo(format: format, width: width, height: height))
    }

    @Test func typeComesFromBytesNotFromTheLabel() throws {
        // A PNG uploaded as "photo.jpg" with Content-Type image/jpeg is still a PNG.
        let upload = (name: "photo.jpg", contentType: "image/jpeg", bytes: ImageFixtures.png4x3)
        let info = try inspector.inspect(upload.bytes)
        #expect(info.format == .png)
        #expect(info.format.mediaType == "image/png")
    }

    @Test(arguments: [
        "hello, this is a text file\n", "", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "%PDF-1.7\n",
        "BMW is a car brand, not a bitmap.", "RIFF\u{24}\0\0\0WAVEfmt ",
    ])
    func nonImagesAreRefused(text: String) {
        #expect(throws: ImageInspectionError.notAnImage) { try inspector.inspect(Array(text.utf8)) }
    }

    static let unsupported: [([UInt8], String)] = [
        (Array("GIF89a\u{1}\0\u{1}\0".utf8), "gif"),
        ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], "tiff"),
        ([0, 0, 0, 0x1C] + Array("ftypavif".utf8) + [0, 0, 0, 0], "avif"),
        ([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0], "heic"),
        (Array("BM".utf8) + [UInt8](repeating: 0, count: 12) + [40, 0, 0, 0], "bmp"),
    ]

    @Test(arguments: unsupported)
    func knownButUnsupportedTypes(bytes: [UInt8], name: String) {
        #expect(throws: ImageInspectionError.unsupportedType(name)) { try inspector.inspect(bytes) }
    }

    @Test func everyTruncationOfAHeaderSaysTruncated() throws {
        for fixture in [ImageFixtures.png4x3, ImageFixtures.jpeg3x2, ImageFixtures.webpLossy7x3,
                        ImageFixtures.webpLossless9x6, ImageFixtures.webpExtended11x13] {
            let full = try ImageInspector.readHeader(fixture)
            var cut = 1
            while true {
                do {
                    #expect(try ImageInspector.readHeader(fixture.prefix(cut)) == full)
                    break  // from here on, the prefix is enough
                } catch .truncated(let needed) {
                    #expect(needed > cut, "must ask for more than it was given")
                    cut = needed  // the incremental protocol: read up to `needed` and retry
                }
            }
            #expect(cut <= fixture.count)
        }
    }

    @Test func jpegWalksPastLargeExifSegments() throws {
        // SOI, then three 60 KiB APP1 segments (like a big EXIF + XMP), a comment, fill bytes,
        // then the rest of a real JPEG. The SOF sits past 180 KiB.
        var bytes: [UInt8] = [0xFF, 0xD8]
        for _ in 0..<3 { bytes += segment(0xE1, payload: 60_000) }
        bytes += segment(0xFE, payload: 10) + [0xFF, 0xFF]
        bytes += ImageFixtures.jpeg3x2.dropFirst(2)
        #expect(try inspector.inspect(bytes) == ImageInfo(format: .jpeg, width: 3, height: 2))
        // Given only the first 64 KiB, it says where the next marker is: skip the second APP1
        // segment and read again from there.
        #expect(throws: ImageInspectionError.truncated(needed: 2 + 2 * 60_004 + 1)) {
            try inspector.inspect(bytes.prefix(65_536))
        }
    }

    @Test func malformedHeaders() {
        var noIHDR = ImageFixtures.png4x3
        noIHDR.replaceSubrange(12..<16, with: Array("IDAT".utf8))
        #expect(throws: ImageInspectionError.malformed("PNG does not start with IHDR")) { try inspector.inspect(noIHDR) }
        #expect(throws: ImageInspectionError.malformed("PNG dimensions 0×3")) { try inspector.inspect(png(width: 0, height: 3)) }
        // JPEG that reaches start-of-scan before any frame header.
        #expect(throws: ImageInspectionError.malformed("marker FFDA before the frame header")) {
            try inspector.inspect([0xFF, 0xD8, 0xFF, 0xDA, 0, 2])
        }
        // APP0 of length 4, then junk where the next marker should be.
        #expect(throws: ImageInspectionError.malformed("JPEG marker expected at byte 8")) {
            try inspector.inspect([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0x12])
        }
        var webp = ImageFixtures.webpLossy7x3
        webp.replaceSubrange(12..<16, with: Array("ABCD".utf8))
        #expect(throws: ImageInspectionError.malformed("unknown WebP chunk")) { try inspector.inspect(webp) }
    }

    @Test func decompressionBombIsRefusedFromTheHeaderAlone() throws {
        // 100 000 × 100 000 = 10 gigapixels in a 33-byte file.
        let bomb = png(width: 100_000, height: 100_000)
        #expect(bomb.count == 33)
        #expect(throws: ImageInspectionError.tooManyPixels(width: 100_000, height: 100_000, limit: 50_000_000)) {
            try inspector.inspect(bomb)
        }
        #expect(try ImageInspector.readHeader(bomb).pixelCount == 10_000_000_000)
        // The limit is inclusive and configurable.
        #expect(try ImageInspector(maxPixels: 12).inspect(ImageFixtures.png4x3).pixelCount == 12)
        #expect(throws: ImageInspectionError.tooManyPixels(width: 9, height: 6, limit: 53)) {
            try ImageInspector(maxPixels: 53).inspect(ImageFixtures.webpLossless9x6)
        }
        // The largest sizes each format can declare are read correctly.
        #expect(try ImageInspector.readHeader(png(width: Int(Int32.max), height: 1)).width == Int(Int32.max))
        var vp8x = ImageFixtures.webpExtended11x13
        vp8x.replaceSubrange(24..<30, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try ImageInspector.readHeader(vp8x) == ImageInfo(format: .webp, width: 1 << 24, height: 1 << 24))
    }

    @Test func errorsReadWell() {
        #expect(ImageInspectionError.notAnImage.description == "not an image")
        #expect(ImageInspectionError.truncated(needed: 24).description.hasPrefix("truncated"))
        #expect(ImageInspectionError.unsupportedType("gif").description == "unsupported image type: gif")
    }

    // MARK: - builders

    /// A PNG signature plus a complete IHDR chunk (with its CRC), as a bomb would start.
    func png(width: Int, height: Int) -> [UInt8] {
        let ihdr = Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0]
        return Signature.png + be32(13) + ihdr + be32(Int(crc32(ihdr)))
    }

    func segment(_ marker: UInt8, payload: Int) -> [UInt8] {
        [0xFF, marker] + [UInt8(truncatingIfNeeded: (payload + 2) >> 8), UInt8(truncatingIfNeeded: payload + 2)]
            + [UInt8](repeating: 0x45, count: payload)
    }

    func be32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }

    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
