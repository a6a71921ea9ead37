import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Testing

@testable import Reelbase

/// A v1 200 is bytes or JSON with a URL: the Content-Type decides (no network needed).
@Suite struct SegmindV1BodyTests {
    let client = SegmindV1Client(
        http: .shared, endpoint: ProviderEndpoint(baseURL: "http://unused.invalid", apiKey: ProviderAPIKey("sk-unused-000000")),
        logger: Logger(label: "test"))

    func response(_ type: String, _ body: String, headers: [(String, String)] = []) -> ProviderHTTPResponse {
        ProviderHTTPResponse(status: 200, headers: HTTPHeaders([("content-type", type)] + headers), body: Data(body.utf8))
    }

    @Test func jsonWithAURL() throws {
        let video = try client.video(
            from: response("application/json; charset=utf-8", #"{"output":"https://cdn.test/v.mp4"}"#, headers: [("x-seed-value", "99")]),
            credits: nil)
        #expect(video.content == .url(URL(string: "https://cdn.test/v.mp4")!))
        #expect(video.seed == 99)
    }

    @Test func rawBytesKeepTheirType() throws {
        let video = try client.video(from: response("video/webm", "bytes"), credits: nil)
        #expect(video.content == .bytes(Data("bytes".utf8), contentType: "video/webm"))
        let octets = try client.video(from: response("application/octet-stream", "bytes"), credits: nil)
        #expect(octets.content == .bytes(Data("bytes".utf8), contentType: "video/mp4"))
    }

    @Test(arguments: [("application/json", #"{"status":"ok"}"#), ("text/html", "<html></html>"), ("video/mp4", "")])
    func unusable200IsAmbiguous(_ type: String, _ body: String) {
        do {
            _ = try client.video(from: response(type, body), credits: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .ambiguous)
            #expect(error.httpStatus == 200)
        }
    }
}
