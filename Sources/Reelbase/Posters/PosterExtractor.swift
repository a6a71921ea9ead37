import Foundation

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
    static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The JPEG bytes, or nil when there is no ffmpeg or it could not read a frame.
    func poster(fromVideoAt video: URL) async throws -> Data? {
        guard let ffmpeg else { return nil }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("poster-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: out) }
        for seek in ["0.5", nil] as [String?] {
            var args = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
            if let seek { args += ["-ss", seek] }
            args += ["-i", video.path, "-frames:v", "1", "-vf", "scale='min(\(maxWidth),iw)':-2", "-q:v", "4", "-f", "image2", out.path]
            guard try await run(ffmpeg, args) == 0,
                  let data = try? Data(contentsOf: out), !data.isEmpty else { continue }
            return data.count <= maxBytes ? data : nil
        }
        return nil
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let box = RunningProcess(executable: executable, arguments: arguments)
        // Too slow: no poster rather than a stuck task.
        let watchdog = Task { [timeout] in
            try await Task.sleep(for: timeout)
            box.process.terminate()
        }
        defer { watchdog.cancel() }
        return try await withCheckedThrowingContinuation { done in
            box.process.terminationHandler = { done.resume(returning: $0.terminationStatus) }
            do { try box.process.run() } catch {
                box.process.terminationHandler = nil
                done.resume(throwing: error)
            }
        }
    }
}

/// A child process shared with its watchdog; Foundation's Process is thread-safe for
/// `terminate()` but not marked Sendable.
private final class RunningProcess: @unchecked Sendable {
    let process = Process()

    init(executable: String, arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }
}
