import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import ProviderSimulator
@testable import Reelbase

/// Posters: a JPEG frame extracted with ffmpeg after the video is archived, served team-scoped.
@Suite struct PosterTests {
    @Test func theExtractorMakesAJPEGFrameThatFFprobeReads() async throws {
        let video = try temporaryFile(Data(SampleVideo.base), ext: "mp4")
        defer { try? FileManager.default.removeItem(at: video) }
        let jpeg = try #require(try await PosterExtractor().poster(fromVideoAt: video), "ffmpeg is on PATH in `make test`")
        #expect(jpeg.prefix(2) == Data([0xFF, 0xD8]))
        let probed = try probe(try temporaryFile(jpeg, ext: "jpg"))
        #expect(probed.contains("codec_name=mjpeg"), "\(probed)")
        #expect(probed.contains("width=64"), "\(probed)")

        // Without ffmpeg nothing fails: there is simply no poster.
        #expect(try await PosterExtractor(ffmpeg: nil).poster(fromVideoAt: video) == nil)
        // A file that is not a video gives no poster either, rather than an error.
        let junk = try temporaryFile(Data("not a video".utf8), ext: "mp4")
        #expect(try await PosterExtractor().poster(fromVideoAt: junk) == nil)
    }

    @Test func anArchivedTakeGetsAPosterThatOnlyItsTeamCanFetch() async throws {
        try await PipelineHarness.run { h in
            let id = try await h.generate()
            _ = try await h.wait(id, for: ["succeeded"])
            // The poster is made off the success transaction: wait for it to be linked.
            var posterURL: String?
            let deadline = ContinuousClock.now + .seconds(20)
            while posterURL == nil && ContinuousClock.now < deadline {
                posterURL = try await h.generation(id).poster_url
                if posterURL == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(posterURL == "/api/v1/generations/\(id.lowercased())/poster")
            let poster = try await h.client.call("/api/v1/generations/\(id)/poster", key: h.team.api_key)
            #expect(poster.status == .ok)
            #expect(poster.headers[.contentType] == "image/jpeg")
            #expect(Data(buffer: poster.body).prefix(2) == Data([0xFF, 0xD8]))
            let listed = try await h.client.rows(Generation.self, "/api/v1/generations?limit=5", key: h.team.api_key)
            #expect(listed.first?.poster_url == posterURL)

            // Another team's key, and an id that does not exist, answer the same 404.
            let otherKey = try await TestEnv.makeTeam("Other", config: h.config, ownerEmail: "other@example.com").api_key
            let foreign = try await h.client.call("/api/v1/generations/\(id)/poster", key: otherKey)
            let missing = try await h.client.call("/api/v1/generations/\(UUID())/poster", key: h.team.api_key)
            #expect(foreign.status == .notFound && missing.status == .notFound)
            #expect(foreign.errorCode != nil)
        }
    }

    private func temporaryFile(_ data: Data, ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("poster-test-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url
    }

    private func probe(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(PosterExtractor.locate("ffprobe")))
        process.arguments = ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "default=noprint_wrappers=1", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }
}
