import Foundation
import Tools

/// Takes one JPEG frame out of a video with Debian's `ffmpeg` (found on PATH): the frame at
/// 0.5 s, or the first frame when the video is shorter, scaled to at most 640 px wide. Without
/// ffmpeg it answers nil and the dashboard shows a placeholder.
struct PosterExtractor: Sendable {
    let ffmpeg: String?
    var maxBytes = 1_000_000
    var maxWidth = 640
    var timeout: Duration = .seconds(30)

    init(ffmpeg: String? = PosterExtractor.locate("ffmpeg")) {
        self.ffmpeg = ffmpeg
    }

    /// The first executable `name` on PATH.
    static func locate(_ name: String) -> String? { ProcessRunner.locate(name) }

    /// The JPEG bytes, or nil when there is no ffmpeg or it could not read a frame.
    func poster(fromVideoAt video: URL) async throws -> Data? {
        guard let ffmpeg else { return nil }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("poster-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: out) }
        for seek in ["0.5", nil] as [String?] {
            var args = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
            if let seek { args += ["-ss", seek] }
            args += ["-i", video.path, "-frames:v", "1", "-vf", "scale='min(\(maxWidth),iw)':-2", "-q:v", "4", "-f", "image2", out.path]
            guard try await ProcessRunner(timeout: timeout, background: true).run(ffmpeg, args).status == 0,
                  let data = try? Data(contentsOf: out), !data.isEmpty else { continue }
            return data.count <= maxBytes ? data : nil
        }
        return nil
    }
}
