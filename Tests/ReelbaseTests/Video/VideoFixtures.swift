import Foundation
import Testing
import Tools

/// Clips made directly with ffmpeg's test sources, and checks made with ffmpeg/ffprobe
/// independently of the code under test.
enum VideoFixtures {
    static func ffmpeg() throws -> String { try #require(ProcessRunner.locate("ffmpeg"), "ffmpeg is on PATH in `make test`") }
    static func ffprobe() throws -> String { try #require(ProcessRunner.locate("ffprobe"), "ffprobe is on PATH in `make test`") }

    /// An H.264 MP4 of testsrc2, `seconds` long, with a 440 Hz AAC track when `audio`.
    static func clip(width: Int, height: Int, fps: Int, seconds: Double, audio: Bool) async throws -> Data {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: out) }
        var args = ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=\(fps):duration=\(seconds)"]
        if audio { args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)"] }
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        if audio { args += ["-c:a", "aac", "-shortest"] }
        args.append(out.path)
        let result = try await ProcessRunner().run(try ffmpeg(), args)
        #expect(result.status == 0, "\(result.errorTail)")
        return try Data(contentsOf: out)
    }

    /// What ffprobe says, read as `key=value` lines: `format.duration`, and the first video and
    /// audio streams' fields prefixed `video.` / `audio.`.
    static func measure(_ video: Data) async throws -> [String: String] {
        let file = try temporary(video, ext: "mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ProcessRunner().run(try ffprobe(), [
            "-v", "error", "-show_entries", "format=duration:stream=codec_type,width,height,avg_frame_rate",
            "-of", "flat", file.path,
        ])
        var fields: [String: String] = [:]
        var kinds: [String: String] = [:]
        for line in String(decoding: result.output, as: UTF8.self).split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let key = pair[0]  // streams.stream.0.width, format.duration
            let parts = key.split(separator: ".")
            if parts.first == "streams", parts.count == 4 {
                let index = String(parts[2])
                if parts[3] == "codec_type" { kinds[index] = value }
                fields["stream\(index).\(parts[3])"] = value
            } else {
                fields[key] = value
            }
        }
        for (index, kind) in kinds where fields["\(kind).codec_type"] == nil {
            for (key, value) in fields where key.hasPrefix("stream\(index).") {
                fields["\(kind)." + key.dropFirst("stream\(index).".count)] = value
            }
        }
        return fields
    }

    /// Decodes an image (or the frame `frame` of a video) to raw RGB bytes with ffmpeg.
    static func rgb(_ data: Data, ext: String, frame: Int? = nil) async throws -> Data {
        let file = try temporary(data, ext: ext)
        defer { try? FileManager.default.removeItem(at: file) }
        var args = ["-nostdin", "-loglevel", "error", "-i", file.path]
        if let frame { args += ["-vf", "select=eq(n\\,\(frame))", "-fps_mode", "passthrough"] }
        args += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        let result = try await ProcessRunner().run(try ffmpeg(), args)
        #expect(result.status == 0, "\(result.errorTail)")
        return result.output
    }

    /// The number of video frames, counted by decoding.
    static func frameCount(_ video: Data) async throws -> Int {
        let file = try temporary(video, ext: "mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ProcessRunner().run(try ffprobe(), [
            "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
            "-of", "default=noprint_wrappers=1:nokey=1", file.path,
        ])
        return Int(String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func temporary(_ data: Data, ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("video-test-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url
    }
}
