import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Copies a finished video into the blob store, streamed in chunks with its SHA-256, before the
/// job may be marked succeeded. Size- and time-capped, and under the outbound policy: a video
/// URL on the provider account's own origin is held to the rule that admitted the account;
/// any other URL must be a public https one (or a host the operator lists for http).
struct VideoArchiver: Sendable {
    let fetcher: SafeURLFetcher
    let store: any BlobStore
    let logger: Logger

    /// The only content types an archived video keeps; anything else is served as bytes.
    static let videoTypes: Set<String> = ["video/mp4", "video/webm", "video/quicktime"]

    init(store: any BlobStore, policy: OutboundPolicy, maxBytes: Int, timeout: Duration, resolver: any HostResolver = SystemHostResolver(), logger: Logger) {
        var configuration = SafeURLFetcher.Configuration()
        configuration.policy = policy
        configuration.maxBytes = maxBytes
        configuration.timeout = timeout
        configuration.accept = "video/mp4, video/webm, video/quicktime"
        self.fetcher = SafeURLFetcher(configuration: configuration, resolver: resolver)
        self.store = store
        self.logger = logger
    }

    var maxBytes: Int { fetcher.configuration.maxBytes }

    static func storedType(_ header: String?) -> String {
        let type = header?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return type.map { videoTypes.contains($0) } == true ? type! : "application/octet-stream"
    }

    /// - Parameter account: how the provider call itself was allowed (its base URL and guard).
    func archive(_ video: GeneratedVideo, team: UUID, account: ProviderEndpoint) async throws -> StoredBlob {
        switch video.content {
        case .bytes(let data, let contentType):
            return try await store.put(team: team, contentType: Self.storedType(contentType), maxBytes: maxBytes, from: [ByteBuffer(bytes: data)].async)
        case .url(let url):
            let strict = fetcher.guardian
            let accountOrigin = URL(string: account.baseURL).flatMap(origin(of:))
            let accountGuard = account.outboundGuard ?? strict.with(strict.policy.trusted)
            let (store, maxBytes) = (store, maxBytes)
            return try await fetcher.download(url, guardFor: { hop in
                accountOrigin != nil && origin(of: hop) == accountOrigin ? accountGuard : strict
            }) { _, _, response in
                do {
                    return try await store.put(team: team, contentType: Self.storedType(response.headers.first(name: "content-type")),
                                               maxBytes: maxBytes, from: response.body)
                } catch BlobStoreError.tooLarge(_) {
                    throw URLFetchError.tooLarge(limit: maxBytes)
                }
            }
        }
    }
}

extension Array where Element: Sendable {
    /// An array as an AsyncSequence, for APIs that stream.
    var async: AsyncArraySequence<Self> { AsyncArraySequence(self) }
}

struct AsyncArraySequence<Base: Sequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    typealias Element = Base.Element
    let base: Base
    init(_ base: Base) { self.base = base }
    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}
