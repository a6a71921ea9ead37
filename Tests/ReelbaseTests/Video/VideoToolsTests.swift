import Foundation
import Testing
@testable import Reelbase

/// The Video toolkit against real ffmpeg, each answer checked with an independent ffprobe/ffmpeg run.
@Suite struct VideoToolsTests {
    let tools = VideoTools()

    @Test func probeReadsDurationSizeRateAndSound() async throws {
        let loud = try await tools.probe(try await VideoFixtures.clip(width: 128, height: 72, fps: 24, seconds: 2, audio: true))
        #expect(abs(loud.duration - 2) < 0.1)
        #expect(loud.width == 128 && loud.height == 72)
        #expect(abs(loud.fps - 24) < 0.01)
        #expect(loud.hasAudio && loud.audioCodec == "aac" && loud.videoCodec == "h264")

        let silent = try await tools.probe(try await VideoFixtures.clip(width: 72, height: 128, fps: 30, seconds: 1.5, audio: false))
        #expect(abs(silent.duration - 1.5) < 0.1)
        #expect(silent.width == 72 && silent.height == 128 && abs(silent.fps - 30) < 0.01)
        #expect(!silent.hasAudio && silent.audioCodec == nil)
    }

    @Test func theLastFrameHasThePixelsOfTheVideosLastDecodedFrame() async throws {
        let video = try await VideoFixtures.clip(width: 128, height: 72, fps: 24, seconds: 2, audio: true)
        let png = try await tools.lastFrame(of: video)
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let frames = try await VideoFixtures.frameCount(video)
        #expect(frames == 48)
        let expected = try await VideoFixtures.rgb(video, ext: "mp4", frame: frames - 1)
        let extracted = try await VideoFixtures.rgb(png, ext: "png")
        #expect(expected.count == 128 * 72 * 3)
        #expect(extracted == expected)
        // testsrc2 moves: the last frame is not the one before it.
        #expect(try await VideoFixtures.rgb(video, ext: "mp4", frame: frames - 2) != extracted)
    }

    @Test func joiningMatchingTakesKeepsTheirSumOfDurationsAndSound() async throws {
        let take = try await VideoFixtures.clip(width: 128, height: 72, fps: 24, seconds: 2, audio: true)
        let other = try await VideoFixtures.clip(width: 128, height: 72, fps: 24, seconds: 3, audio: true)
        let cut = try await tools.concatenate([take, other, take])
        let measured = try await VideoFixtures.measure(cut)
        let duration = try #require(Double(measured["format.duration"] ?? ""))
        #expect(abs(duration - 7) < 0.1, "\(measured)")
        #expect(measured["audio.codec_type"] == "audio")
        #expect(measured["video.width"] == "128" && measured["video.height"] == "72")
    }

    @Test func joiningTakesOfOtherSizesRatesAndSilenceReencodesIntoTheFirstFrame() async throws {
        let landscape = try await VideoFixtures.clip(width: 128, height: 72, fps: 24, seconds: 2, audio: true)
        let portraitSilent = try await VideoFixtures.clip(width: 72, height: 128, fps: 30, seconds: 1.5, audio: false)
        let bigger = try await VideoFixtures.clip(width: 256, height: 144, fps: 25, seconds: 1, audio: true)
        let cut = try await tools.concatenate([landscape, portraitSilent, bigger])
        let measured = try await VideoFixtures.measure(cut)
        let duration = try #require(Double(measured["format.duration"] ?? ""))
        #expect(abs(duration - 4.5) < 0.1, "\(measured)")
        #expect(measured["video.width"] == "128" && measured["video.height"] == "72")
        #expect(measured["video.avg_frame_rate"] == "24/1")
        #expect(measured["audio.codec_type"] == "audio", "the silent take got a silent track, so the cut has one")
    }

    @Test func badInputAndAMissingFFmpegAreClearErrors() async throws {
        await #expect(throws: VideoToolError.self) { try await tools.probe(Data("not a video".utf8)) }
        await #expect(throws: VideoToolError.self) { try await tools.lastFrame(of: Data("not a video".utf8)) }
        await #expect(throws: VideoToolError.empty) { try await tools.concatenate([]) }
        let missing = VideoTools(ffmpeg: nil, ffprobe: nil)
        await #expect(throws: VideoToolError.unavailable) { try await missing.probe(Data()) }
        await #expect(throws: VideoToolError.unavailable) { try await missing.concatenate([Data()]) }
    }
}
