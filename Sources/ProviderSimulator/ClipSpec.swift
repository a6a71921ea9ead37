import Crypto
import Foundation
import ReelbaseCore

/// The shape of the clip a generation asked for: how long, which aspect ratio, with sound or
/// not, and the first-frame image when one was sent. Small sizes (72 px on the short side)
/// keep rendering cheap; players and ffprobe only care about the shape.
struct ClipSpec: Sendable, Hashable {
    let seconds: Int
    let width: Int
    let height: Int
    let fps: Int
    let audio: Bool
    /// The first-frame image's bytes (decoded from base64 or a data URI); nil for none or a URL.
    let firstFrame: Data?
    /// SHA-256 of `firstFrame`: the cache key uses it instead of the bytes.
    let firstFrameDigest: String?

    static let shortSide = 72

    init(seconds: Int, aspectRatio: String, fps: Int = 24, audio: Bool, firstFrame: Data? = nil) {
        self.seconds = max(1, seconds)
        (width, height) = Self.size(aspectRatio: aspectRatio)
        self.fps = fps > 0 ? fps : 24
        self.audio = audio
        self.firstFrame = firstFrame
        firstFrameDigest = firstFrame.map { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() }
    }

    /// From an accepted request: its parameters, and the image under the model's own first-frame key.
    init(params: GenerationParameters, model: ModelSpec, fields: [String: FieldValue]) {
        let image = model.imageInputs.firstFrame.flatMap { fields[$0] }.flatMap(Self.imageBytes)
        self.init(seconds: params.duration, aspectRatio: params.aspectRatio, fps: params.fps ?? 24, audio: params.generateAudio, firstFrame: image)
    }

    /// "16:9" → 128×72, "9:16" → 72×128; both sides even, as H.264 4:2:0 needs.
    static func size(aspectRatio: String) -> (Int, Int) {
        let parts = aspectRatio.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return (128, 72) }
        let long = { (ratio: Double) in max(2, Int((Double(shortSide) * ratio / 2).rounded()) * 2) }
        return parts[0] >= parts[1] ? (long(parts[0] / parts[1]), shortSide) : (shortSide, long(parts[1] / parts[0]))
    }

    /// Image bytes from a data URI or raw base64; a URL (or anything else) gives nil: the simulator fetches nothing.
    static func imageBytes(_ value: FieldValue) -> Data? {
        guard case .string(let text) = value else { return nil }
        let payload: Substring
        if text.hasPrefix("data:") {
            guard let comma = text.firstIndex(of: ","), text[..<comma].hasSuffix(";base64") else { return nil }
            payload = text[text.index(after: comma)...]
        } else {
            payload = Substring(text)
        }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters), data.count > 8 else { return nil }
        return data
    }

    /// The file extension ffmpeg's image reader expects for these bytes.
    var firstFrameExtension: String {
        guard let bytes = firstFrame.map(Array.init) else { return "png" }
        if bytes.starts(with: [0xFF, 0xD8]) { return "jpg" }
        if bytes.count > 12, bytes[8..<12].elementsEqual(Array("WEBP".utf8)) { return "webp" }
        return "png"
    }

    static func == (lhs: ClipSpec, rhs: ClipSpec) -> Bool {
        lhs.seconds == rhs.seconds && lhs.width == rhs.width && lhs.height == rhs.height && lhs.fps == rhs.fps
            && lhs.audio == rhs.audio && lhs.firstFrameDigest == rhs.firstFrameDigest
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(width)
        hasher.combine(height)
        hasher.combine(fps)
        hasher.combine(audio)
        hasher.combine(firstFrameDigest)
    }
}
