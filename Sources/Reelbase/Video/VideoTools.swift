import Foundation
import Tools

/// ffmpeg/ffprobe run as child processes on temporary files (the runner `Posters/` uses too).
/// Throws `VideoToolError.unavailable` when ffmpeg is not installed; callers turn that into a
/// clear error, never a 5xx. Built once in `Services` (`services.video`).
struct VideoTools: Sendable {
    let ffmpeg: String?
    let ffprobe: String?
    /// Joining eight 1080p takes takes a while on a small machine; a stuck tool must not hold a job forever.
    var timeout: Duration = .seconds(600)

    init(ffmpeg: String? = ProcessRunner.locate("ffmpeg"), ffprobe: String? = ProcessRunner.locate("ffprobe")) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
    }

    var available: Bool { ffmpeg != nil && ffprobe != nil }

    /// Duration, size, frame rate and whether there is sound.
    func probe(_ video: Data) async throws -> VideoProbe {
        try await withScratch { dir in try await probe(fileAt: try write(video, named: "in.mp4", in: dir)) }
    }

    /// The exact last decoded frame, as PNG (lossless, so its pixels can be compared).
    func lastFrame(of video: Data) async throws -> Data {
        let ffmpeg = try tool(ffmpeg)
        return try await withScratch { dir in
            let input = try write(video, named: "in.mp4", in: dir)
            let output = dir.appendingPathComponent("last.png")
            // Decode only the last second; `-update 1` keeps overwriting one file, so the last
            // frame written is the last frame decoded.
            let result = try await runner.run(ffmpeg, Self.quiet + [
                "-sseof", "-1", "-i", input.path, "-an", "-fps_mode", "passthrough", "-update", "1", "-f", "image2", output.path,
            ])
            guard result.status == 0, let png = try? Data(contentsOf: output), !png.isEmpty else {
                throw VideoToolError.unreadable(result.errorTail)
            }
            return png
        }
    }

    /// One MP4 (H.264 + AAC, faststart) playing `videos` in order. Streams are copied when every
    /// take has the same codecs, size, rate and sound; otherwise everything is re-encoded to the
    /// first take's size and rate, and a silent take gets a silent track.
    func concatenate(_ videos: [Data]) async throws -> Data {
        let ffmpeg = try tool(ffmpeg)
        guard !videos.isEmpty else { throw VideoToolError.empty }
        return try await withScratch { dir in
            var inputs: [URL] = []
            var probes: [VideoProbe] = []
            for (index, video) in videos.enumerated() {
                let file = try write(video, named: "take\(index).mp4", in: dir)
                inputs.append(file)
                probes.append(try await probe(fileAt: file))
            }
            let output = dir.appendingPathComponent("cut.mp4")
            if ConcatPlan.canCopy(probes) {
                let list = dir.appendingPathComponent("list.txt")
                try inputs.map { "file '\($0.path)'" }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
                let copied = try await runner.run(ffmpeg, Self.quiet + [
                    "-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy", "-movflags", "+faststart", output.path,
                ])
                if copied.status == 0, let data = try? Data(contentsOf: output), !data.isEmpty { return data }
            }
            let plan = ConcatPlan(probes: probes)
            let encoded = try await runner.run(ffmpeg, Self.quiet + plan.arguments(inputs: inputs.map(\.path), output: output.path))
            guard encoded.status == 0, let data = try? Data(contentsOf: output), !data.isEmpty else {
                throw VideoToolError.unreadable(encoded.errorTail)
            }
            return data
        }
    }

    // MARK: plumbing

    static let quiet = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]

    private var runner: ProcessRunner { ProcessRunner(timeout: timeout, background: true) }

    private func tool(_ path: String?) throws -> String {
        guard let path, available else { throw VideoToolError.unavailable }
        return path
    }

    func probe(fileAt file: URL) async throws -> VideoProbe {
        let ffprobe = try tool(ffprobe)
        let result = try await runner.run(ffprobe, [
            "-v", "error", "-print_format", "json", "-show_streams", "-show_format", file.path,
        ])
        guard result.status == 0 else { throw VideoToolError.unreadable(result.errorTail) }
        do {
            return try JSONDecoder().decode(FFprobeOutput.self, from: result.output).probe()
        } catch let error as VideoToolError {
            throw error
        } catch {
            throw VideoToolError.unreadable("ffprobe answered something else than JSON")
        }
    }

    private func write(_ data: Data, named name: String, in dir: URL) throws -> URL {
        let file = dir.appendingPathComponent(name)
        try data.write(to: file)
        return file
    }

    /// A private temporary directory, removed afterwards whatever happens.
    private func withScratch<T>(_ body: (URL) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }
}
