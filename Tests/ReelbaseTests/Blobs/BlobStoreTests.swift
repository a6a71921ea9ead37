import Crypto
import Foundation
import NIOCore
import Testing
@testable import Reelbase

/// Chunks from a list, as a request body would arrive.
struct Pieces: AsyncSequence {
    typealias Element = ByteBuffer
    let buffers: [ByteBuffer]
    struct AsyncIterator: AsyncIteratorProtocol {
        var rest: [ByteBuffer]
        mutating func next() async throws -> ByteBuffer? { rest.isEmpty ? nil : rest.removeFirst() }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: buffers) }
}

@Suite struct BlobStoreTests {
    @Test func chunkedPutAndRangeReads() async throws {
        let team = try await TestEnv.makeTeam()
        let bytes = (0..<10_500).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        // Odd piece sizes so chunk boundaries never line up with them.
        let cuts = [0, 1, 1_000, 1_001, 3_501, 3_508, 10_500]
        let buffers = (1..<cuts.count).map { ByteBuffer(bytes: bytes[cuts[$0 - 1]..<cuts[$0]]) }
        let stats = try await TestEnv.withAdmin { db, logger -> [String] in
            let store = PostgresBlobStore(db: db, logger: logger, chunkSize: 1_000)
            let blob = try await store.put(team: team.team_id, contentType: "application/octet-stream", maxBytes: 20_000, from: Pieces(buffers: buffers))
            var problems: [String] = []
            if blob.size != 10_500 { problems.append("size \(blob.size)") }
            if blob.sha256 != Data(SHA256.hash(data: bytes)) { problems.append("sha") }
            for range: Range<Int64> in [0..<10_500, 0..<1, 999..<1_001, 2_500..<7_777, 10_000..<10_500, 10_499..<20_000] {
                let stream = try await store.read(team: team.team_id, id: blob.id, range: range)
                let read = Array(try await stream.collect().readableBytesView)
                let expected = Array(bytes[Int(range.lowerBound)..<min(10_500, Int(range.upperBound))])
                if read != expected { problems.append("range \(range)") }
                if stream.byteCount != Int64(expected.count) { problems.append("count \(range)") }
            }
            // A range touches only the chunks it covers.
            if try await store.read(team: team.team_id, id: blob.id, range: 2_500..<3_500).pieces != 2 { problems.append("pieces") }
            // Another team cannot read or delete it.
            let other = UUID()
            if (try? await store.read(team: other, id: blob.id, range: nil)) != nil { problems.append("cross-team read") }
            try await store.delete(team: other, id: blob.id)
            if try await store.info(team: team.team_id, id: blob.id) == nil { problems.append("cross-team delete") }
            do {
                _ = try await store.put(team: team.team_id, contentType: "x", maxBytes: 5_000, from: Pieces(buffers: buffers))
                problems.append("too large accepted")
            } catch BlobStoreError.tooLarge {}
            try await store.delete(team: team.team_id, id: blob.id)
            return problems
        }
        #expect(stats.isEmpty, "\(stats)")
        #expect(try await Library.count("SELECT count(*) FROM blobs WHERE team_id = '\(team.team_id)'") == 0)
        #expect(try await Library.count("SELECT count(*) FROM blob_chunks WHERE team_id = '\(team.team_id)'") == 0)
    }

    /// The blob row rides with the first chunk and the digest with the last: every size that
    /// puts a boundary somewhere else reads back whole, with its digest, in the right chunks.
    @Test(arguments: [0, 1, 999, 1_000, 1_001, 2_000, 2_999])
    func everyShapeOfBodyReadsBackWhole(size: Int) async throws {
        let team = try await TestEnv.makeTeam()
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let pieces = stride(from: 0, to: size, by: 700).map { ByteBuffer(bytes: bytes[$0..<min(size, $0 + 700)]) }
        let (read, blob) = try await TestEnv.withAdmin { db, logger in
            let store = PostgresBlobStore(db: db, logger: logger, chunkSize: 1_000)
            let blob = try await store.put(team: team.team_id, contentType: "application/octet-stream", maxBytes: 5_000, from: Pieces(buffers: pieces))
            let stored = try #require(try await store.info(team: team.team_id, id: blob.id))
            return (Array(try await store.read(team: team.team_id, id: blob.id, range: nil).collect().readableBytesView), stored)
        }
        #expect(read == bytes)
        #expect(blob.size == Int64(size) && blob.sha256 == Data(SHA256.hash(data: bytes)))
        #expect(try await Library.count("SELECT count(*) FROM blob_chunks WHERE team_id = '\(team.team_id)'") == (size + 999) / 1_000)
    }

    @Test func byteRangeHeaders() {
        #expect(ByteRange.parse("bytes=0-9", size: 100) == .part(0..<10))
        #expect(ByteRange.parse("bytes=90-", size: 100) == .part(90..<100))
        #expect(ByteRange.parse("bytes=-5", size: 100) == .part(95..<100))
        #expect(ByteRange.parse("bytes=50-500", size: 100) == .part(50..<100))
        #expect(ByteRange.parse("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 100) == .whole)
    }
}
