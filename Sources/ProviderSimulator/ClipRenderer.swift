import Foundation
import NIOCore
import Tools

/// Renders the clip a generation asked for with ffmpeg: the first-frame image (or testsrc2)
/// for the requested duration, a magenta bar drifting across after the first half second so the last
/// frame differs from the first, and a sine tone as AAC when audio was asked for. Renders are
/// cached by shape, so a load test asking the same thing again pays nothing. Without ffmpeg,
/// or when a render fails, the old 1 s sample is served.
actor ClipRenderer {
    private let ffmpeg: String?
    private let fallback: ByteBuffer
    private var cache: [ClipSpec: Task<ByteBuffer, Never>] = [:]
    private var order: [ClipSpec] = []
    /// Renders kept; each is a few tens of KB at these sizes.
    private let capacity = 128

    /// One cache for every simulator in the process: test suites start many simulators that ask for the same shapes.
    static let shared = ClipRenderer(ffmpeg: ProcessRunner.locate("ffmpeg"), fallback: ByteBuffer(bytes: SampleVideo.base))

    init(ffmpeg: String?, fallback: ByteBuffer) {
        self.ffmpeg = ffmpeg
        self.fallback = fallback
    }

    /// The MP4 for `spec`; concurrent asks for the same shape share one render.
    func video(for spec: ClipSpec) async -> ByteBuffer {
        if let running = cache[spec] { return await running.value }
        guard let ffmpeg else { return fallback }
        let fallback = fallback
        let task = Task { await Self.render(spec, ffmpeg: ffmpeg) ?? fallback }
        cache[spec] = task
        order.append(spec)
        if order.count > capacity { cache[order.removeFirst()] = nil }
        return await task.value
    }

    /// Starts a render without waiting for it (a v2 job renders while it "processes").
    nonisolated func prepare(_ spec: ClipSpec) {
        Task { _ = await video(for: spec) }
    }

    private static func render(_ spec: ClipSpec, ffmpeg: String) async -> ByteBuffer? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sim-clip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let output = dir.appendingPathComponent("clip.mp4")
            var args = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
            if let image = spec.firstFrame {
                let file = dir.appendingPathComponent("first.\(spec.firstFrameExtension)")
                try image.write(to: file)
                args += ["-loop", "1", "-framerate", "\(spec.fps)", "-t", "\(spec.seconds)", "-i", file.path]
            } else {
                args += ["-f", "lavfi", "-i", "testsrc2=size=\(spec.width)x\(spec.height):rate=\(spec.fps):duration=\(spec.seconds)"]
            }
            if spec.audio {
                args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(spec.seconds)"]
            }
            let (w, h) = (spec.width, spec.height)
            let graph = "[0:v]scale=\(w):\(h):force_original_aspect_ratio=increase,crop=\(w):\(h),setsar=1[base];"
                + "color=c=magenta:s=\(max(2, w / 4))x\(max(2, h / 2)):r=\(spec.fps)[bar];"
                + "[base][bar]overlay=x='(W-w)*t/\(spec.seconds)':y=H/4:shortest=1:enable='gte(t,0.5)',format=yuv420p[v]"
            args += ["-filter_complex", graph, "-map", "[v]"]
            if spec.audio { args += ["-map", "1:a", "-c:a", "aac", "-b:a", "64k"] }
            args += ["-c:v", "libx264", "-preset", "ultrafast", "-r", "\(spec.fps)", "-t", "\(spec.seconds)",
                     "-movflags", "+faststart", output.path]
            let result = try await ProcessRunner(timeout: .seconds(60)).run(ffmpeg, args)
            guard result.status == 0 else { return nil }
            let data = try Data(contentsOf: output)
            return data.isEmpty ? nil : ByteBuffer(bytes: data)
        } catch {
            return nil
        }
    }
}
