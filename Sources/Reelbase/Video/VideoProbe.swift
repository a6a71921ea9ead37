import Foundation

/// What ffprobe reads from a video: the figures a cut, a player or a test relies on.
struct VideoProbe: Sendable, Equatable, Codable {
    /// Seconds, from the container.
    let duration: Double
    let width: Int
    let height: Int
    /// Frames per second of the video stream (its average rate).
    let fps: Double
    let hasAudio: Bool
    /// Codec names (`h264`, `aac`), used to decide whether videos can be joined without re-encoding.
    let videoCodec: String
    let audioCodec: String?
    let audioSampleRate: Int?
    let audioChannels: Int?
}

/// Why a video tool could not answer. Callers turn every case into a clear error, never a 5xx.
enum VideoToolError: Error, Equatable, CustomStringConvertible {
    /// ffmpeg or ffprobe is not installed.
    case unavailable
    /// The bytes are not a video ffprobe/ffmpeg can read (or the tool failed); the tool's own words.
    case unreadable(String)
    /// `concatenate` was given nothing.
    case empty

    var description: String {
        switch self {
        case .unavailable: "ffmpeg is not installed on this server"
        case .unreadable(let detail): "the video could not be read: \(detail)"
        case .empty: "there are no videos to join"
        }
    }
}

/// ffprobe's JSON (`-show_streams -show_format`), only the fields we read.
struct FFprobeOutput: Decodable {
    struct Stream: Decodable {
        let codec_type: String?
        let codec_name: String?
        let width: Int?
        let height: Int?
        let avg_frame_rate: String?
        let r_frame_rate: String?
        let sample_rate: String?
        let channels: Int?
        let duration: String?
    }
    struct Format: Decodable {
        let duration: String?
    }
    let streams: [Stream]?
    let format: Format?

    func probe() throws -> VideoProbe {
        let streams = streams ?? []
        guard let video = streams.first(where: { $0.codec_type == "video" }),
              let width = video.width, let height = video.height, width > 0, height > 0 else {
            throw VideoToolError.unreadable("no video stream")
        }
        let audio = streams.first(where: { $0.codec_type == "audio" })
        guard let duration = (format?.duration).flatMap(Double.init) ?? video.duration.flatMap(Double.init), duration > 0 else {
            throw VideoToolError.unreadable("no duration")
        }
        let fps = Self.rate(video.avg_frame_rate) ?? Self.rate(video.r_frame_rate) ?? 0
        return VideoProbe(
            duration: duration, width: width, height: height, fps: fps, hasAudio: audio != nil,
            videoCodec: video.codec_name ?? "", audioCodec: audio?.codec_name,
            audioSampleRate: audio?.sample_rate.flatMap(Int.init), audioChannels: audio?.channels)
    }

    /// "24/1", "30000/1001" → frames per second; "0/0" → nil.
    static func rate(_ text: String?) -> Double? {
        guard let parts = text?.split(separator: "/"), parts.count == 2,
              let top = Double(parts[0]), let bottom = Double(parts[1]), bottom > 0, top > 0 else { return nil }
        return top / bottom
    }
}
