import Foundation
import NIOCore

/// Turns an incoming image (upload or import) into an asset: sniffs the type from the first
/// bytes, streams the body into the blob store under the size limit, reads the dimensions,
/// and returns the team's existing asset when it already has the same bytes.
struct AssetIntake: Sendable {
    let store: any BlobStore
    let assets: AssetRepository
    let inspector: ImageInspector
    let maxBytes: Int

    /// Enough for every PNG/WebP header and most JPEGs; longer JPEG headers are read back from the store.
    static let sniffBytes = 64 * 1024
    static let maxHeaderBytes = 4 * 1024 * 1024

    struct Outcome: Sendable {
        let asset: Asset
        let created: Bool
    }

    static func tooLarge(_ limit: Int) -> AppError {
        AppError(.contentTooLarge, "payload_too_large", "The image is larger than the limit of \(limit) bytes.")
    }

    /// `metadata` is asked for after the body is read (multipart fields may follow the file).
    func ingest<Body: AsyncSequence>(team: UUID, body: Body, metadata: () throws -> AssetMetadata,
                                     createdBy: UUID?, actor: AuditActor) async throws -> Outcome where Body.Element == ByteBuffer {
        var iterator = body.makeAsyncIterator()
        var head: [ByteBuffer] = []
        var prefix: [UInt8] = []
        var read = 0
        var ended = false
        while prefix.count < Self.sniffBytes {
            guard let piece = try await iterator.next() else { ended = true; break }
            read += piece.readableBytes
            guard read <= maxBytes else { throw Self.tooLarge(maxBytes) }
            prefix += piece.readableBytesView.prefix(Self.sniffBytes - prefix.count)
            head.append(piece)
        }
        var info: ImageInfo?
        do {
            info = try inspector.inspect(prefix)
        } catch .truncated where !ended && prefix.count >= 4 {
            info = nil  // a JPEG whose metadata runs past the sniffed bytes; checked once stored
        } catch {
            throw ImageFormat.problem(error)
        }
        let rest = ReplayedBody(head: head, rest: ended ? nil : iterator)
        let blob: StoredBlob
        do {
            blob = try await store.put(team: team, contentType: info?.format.mediaType ?? "application/octet-stream", maxBytes: maxBytes, from: rest)
        } catch BlobStoreError.tooLarge {
            throw Self.tooLarge(maxBytes)
        }
        // From here on the blob is ours to remove unless it becomes a new asset.
        do {
            let outcome = try await record(team: team, blob: blob, info: info, metadata: metadata, createdBy: createdBy, actor: actor)
            if !outcome.created { try? await store.delete(team: team, id: blob.id) }
            return outcome
        } catch {
            try? await store.delete(team: team, id: blob.id)
            throw error
        }
    }

    private func record(team: UUID, blob: StoredBlob, info: ImageInfo?, metadata: () throws -> AssetMetadata,
                        createdBy: UUID?, actor: AuditActor) async throws -> Outcome {
        var image = info
        if image == nil { image = try await inspectStored(team: team, blob: blob) }
        if let existing = try await assets.find(team: team, sha256: blob.sha256) { return Outcome(asset: existing, created: false) }
        let new = AssetRepository.NewAsset(blob: blob, info: image!, metadata: try metadata(), createdBy: createdBy)
        if let asset = try await assets.insert(team: team, new, actor: actor) { return Outcome(asset: asset, created: true) }
        // The same bytes were stored by a concurrent upload a moment ago.
        guard let existing = try await assets.find(team: team, sha256: blob.sha256) else {
            throw AppError.conflict("The same image was uploaded and deleted at this moment; try again.")
        }
        return Outcome(asset: existing, created: false)
    }

    /// Reads as much of the stored file's start as the JPEG header needs.
    private func inspectStored(team: UUID, blob: StoredBlob) async throws -> ImageInfo {
        var want = Self.sniffBytes * 2
        while true {
            let bytes = try await store.read(team: team, id: blob.id, range: 0..<Int64(want)).collect()
            do {
                return try inspector.inspect(bytes.readableBytesView)
            } catch .truncated(let needed) where needed > want && needed <= Self.maxHeaderBytes && Int64(needed) <= blob.size {
                want = max(needed, want * 2)
            } catch {
                throw ImageFormat.problem(error)
            }
        }
    }
}
