/// The image formats Reelbase accepts for reference, first-frame and last-frame images.
public enum ImageFormat: String, Sendable, Hashable, Codable {
    case png, jpeg, webp

    public var mediaType: String { "image/\(rawValue)" }
}

public struct ImageInfo: Sendable, Hashable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int

    public var pixelCount: Int { width * height }
}

public enum ImageInspectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes match no image signature we know (text, PDF, zip, ...).
    case notAnImage
    /// A real image format that Reelbase does not accept (gif, bmp, tiff, avif, heic, jxl).
    case unsupportedType(String)
    /// More bytes are needed: at least `needed` bytes from the start of the file.
    case truncated(needed: Int)
    /// The signature matched but the header is inconsistent.
    case malformed(String)
    /// Dimensions above the pixel limit: refused before anything decodes it (decompression bomb).
    case tooManyPixels(width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case .notAnImage: "not an image"
        case .unsupportedType(let type): "unsupported image type: \(type)"
        case .truncated(let needed): "truncated image: the header needs at least \(needed) bytes"
        case .malformed(let why): "malformed image: \(why)"
        case .tooManyPixels(let w, let h, let limit): "image is \(w)×\(h) pixels, above the limit of \(limit)"
        }
    }
}

/// Finds an image's format from its magic bytes (never from a file name or declared type)
/// and its dimensions from the header, without decoding pixels.
///
/// Works on a prefix of the file. How much it needs:
/// - PNG: 24 bytes (signature + IHDR width/height).
/// - WebP: 30 bytes (RIFF header + first chunk header: VP8, VP8L or VP8X).
/// - JPEG: everything up to the end of the SOFn header. SOFn follows the APPn segments
///   (EXIF, XMP, ICC profile: up to 64 KiB each, possibly several), so no fixed prefix is
///   always enough. Feed the first 64 KiB; on `.truncated(needed: n)` read up to `n`
///   bytes and call again.
public struct ImageInspector: Sendable {
    public static let defaultMaxPixels = 50_000_000

    public var maxPixels: Int

    public init(maxPixels: Int = ImageInspector.defaultMaxPixels) {
        self.maxPixels = maxPixels
    }

    /// Format and size, refusing images above `maxPixels`.
    public func inspect(_ bytes: some RandomAccessCollection<UInt8>) throws(ImageInspectionError) -> ImageInfo {
        let info = try Self.readHeader(bytes)
        guard info.pixelCount <= maxPixels else {
            throw .tooManyPixels(width: info.width, height: info.height, limit: maxPixels)
        }
        return info
    }

    /// Format and size with no pixel limit.
    public static func readHeader(_ bytes: some RandomAccessCollection<UInt8>) throws(ImageInspectionError) -> ImageInfo {
        let b = ByteReader(bytes)
        switch try Signature.detect(b) {
        case .png: return try readPNG(b)
        case .jpeg: return try readJPEG(b)
        case .webp: return try readWebP(b)
        }
    }
}

/// Bounds-checked big/little-endian reads; a read past the end throws `.truncated`.
struct ByteReader {
    let bytes: [UInt8]

    init(_ source: some RandomAccessCollection<UInt8>) {
        bytes = Array(source)
    }

    var count: Int { bytes.count }

    func require(_ end: Int) throws(ImageInspectionError) {
        if end > bytes.count { throw .truncated(needed: end) }
    }

    func u8(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 1)
        return Int(bytes[at])
    }

    func u16be(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 2)
        return Int(bytes[at]) << 8 | Int(bytes[at + 1])
    }

    func u32be(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 4)
        return (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) }
    }

    func u16le(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 2)
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    func u24le(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 3)
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16
    }

    func u32le(_ at: Int) throws(ImageInspectionError) -> Int {
        try require(at + 4)
        return (0..<4).reversed().reduce(0) { $0 << 8 | Int(bytes[at + $1]) }
    }

    func matches(_ ascii: String, at: Int) -> Bool {
        let expected = Array(ascii.utf8)
        return at + expected.count <= bytes.count && Array(bytes[at..<at + expected.count]) == expected
    }
}
