import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ProviderSimulator
import Testing
import Tools

/// The simulator's clips have the shape that was asked for, measured with ffprobe: duration,
/// aspect ratio, an audio track when asked, and the first-frame image as their first frame.
@Suite struct ClipTests {
    @Test func aV1ClipLastsTheRequestedDurationInPortraitWithSound() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0)) { _, http in
            let response = try await http.segmind(.post, "/v1/veo-3.1", json: #"{"prompt":"a tall tower","duration":6,"aspect_ratio":"9:16","generate_audio":true}"#)
            #expect(response.status == .ok)
            let clip = try await Probe.read(try #require(response.body.map { Data(buffer: $0) }))
            #expect(abs(clip.duration - 6) < 0.1, "\(clip)")
            #expect(clip.width == 72 && clip.height == 128)
            #expect(clip.audio)
        }
    }

    @Test func aV2FileIsSilentWhenNoAudioWasAsked() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0)) { _, http in
            let id = try decode(V2SubmitBody.self, from: try await http.segmind(.post, "/v2/veo-3.1-lite", json: fastPrompt)).request_id
            let file = try await http.send(.get, "/files/\(id).mp4")
            #expect(file.status == .ok)
            let clip = try await Probe.read(try #require(file.body.map { Data(buffer: $0) }))
            #expect(abs(clip.duration - 4) < 0.1, "\(clip)")
            #expect(clip.width == 128 && clip.height == 72)
            #expect(!clip.audio)
        }
    }

    @Test func anAimlClipHasSoundByDefault() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0)) { _, http in
            let body = #"{"model":"google/veo-3.1-lite-generate-001","prompt":"waves","duration":8}"#
            let id = try decode(AimlSubmitBody.self, from: try await http.aiml(.post, "/v2/video/generations", json: body)).id
            let polled = try await http.aiml(.get, "/v2/video/generations?generation_id=\(id)")
            let url = try #require(try decode(AimlGenerationBody.self, from: polled).video?.url)
            let path = String(url[try #require(url.range(of: "/files/")).lowerBound...])
            let file = try await http.send(.get, path)
            let clip = try await Probe.read(try #require(file.body.map { Data(buffer: $0) }))
            #expect(abs(clip.duration - 8) < 0.1, "\(clip)")
            #expect(clip.width == 128 && clip.height == 72 && clip.audio)
        }
    }

    @Test func aClipStartsFromTheFirstFrameImageAndEndsElsewhere() async throws {
        let image = try await Probe.image(width: 128, height: 72)
        try await withSimulator(SimulatorConfig(latencySeconds: 0)) { _, http in
            let body = #"{"prompt":"the same room, later","duration":4,"generate_audio":false,"image":"data:image/png;base64,\#(image.base64EncodedString())"}"#
            let response = try await http.segmind(.post, "/v1/veo-3.1-fast", json: body)
            #expect(response.status == .ok)
            let video = try #require(response.body.map { Data(buffer: $0) })
            let clip = try await Probe.read(video)
            #expect(abs(clip.duration - 4) < 0.1 && clip.width == 128 && clip.height == 72)
            let source = try await Probe.rgb(image, ext: "png")
            let first = try await Probe.rgb(video, ext: "mp4", frame: 0)
            let last = try await Probe.rgb(video, ext: "mp4", frame: 95)
            #expect(source.count == first.count && first.count == last.count && !source.isEmpty)
            // H.264 is lossy: the first frame is the image within a small error, the last is not.
            #expect(Probe.meanDifference(source, first) < 8, "\(Probe.meanDifference(source, first))")
            #expect(Probe.meanDifference(source, last) > Probe.meanDifference(source, first) + 5)
        }
    }

    @Test func theSameShapeIsRenderedOnceAndSampleModeAnswersTheOldSample() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 0)) { _, http in
            let one = try await http.segmind(.post, "/v1/veo-3", json: fastPrompt)
            let two = try await http.segmind(.post, "/v1/veo-3", json: fastPrompt)
            #expect(one.body != nil && one.body == two.body)
        }
        try await withSimulator(SimulatorConfig(latencySeconds: 0, renderClips: false)) { _, http in
            let sample = try await http.segmind(.post, "/v1/veo-3", json: fastPrompt)
            let clip = try await Probe.read(try #require(sample.body.map { Data(buffer: $0) }))
            #expect(clip.width == 64 && clip.height == 36 && abs(clip.duration - 1) < 0.1)
        }
    }
}

/// ffmpeg/ffprobe run directly, independent of the simulator's renderer.
enum Probe {
    struct Clip { let duration: Double; let width: Int; let height: Int; let audio: Bool }

    static func read(_ video: Data) async throws -> Clip {
        let file = try temporary(video, ext: "mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ProcessRunner().run(try tool("ffprobe"), [
            "-v", "error", "-show_entries", "format=duration:stream=codec_type,width,height", "-of", "default=noprint_wrappers=1", file.path,
        ])
        var duration = 0.0, width = 0, height = 0, audio = false
        for line in String(decoding: result.output, as: UTF8.self).split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "duration": duration = Double(pair[1]) ?? duration
            case "width": width = Int(pair[1]) ?? width
            case "height": height = Int(pair[1]) ?? height
            case "codec_type": audio = audio || pair[1] == "audio"
            default: break
            }
        }
        return Clip(duration: duration, width: width, height: height, audio: audio)
    }

    /// A PNG of testsrc2's first frame.
    static func image(width: Int, height: Int) async throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await ProcessRunner().run(try tool("ffmpeg"), [
            "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=1", "-frames:v", "1", file.path,
        ])
        return try Data(contentsOf: file)
    }

    static func rgb(_ data: Data, ext: String, frame: Int? = nil) async throws -> [UInt8] {
        let file = try temporary(data, ext: ext)
        defer { try? FileManager.default.removeItem(at: file) }
        var args = ["-nostdin", "-loglevel", "error", "-i", file.path]
        if let frame { args += ["-vf", "select=eq(n\\,\(frame))", "-fps_mode", "passthrough"] }
        args += ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        return Array(try await ProcessRunner().run(try tool("ffmpeg"), args).output)
    }

    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    private static func tool(_ name: String) throws -> String {
        try #require(ProcessRunner.locate(name), "\(name) is on PATH in `make test`")
    }

    private static func temporary(_ data: Data, ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url
    }
}
