import Foundation

/// What `submit` returns.
public struct SubmitResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Async APIs: keep this id, then poll `status`.
        case accepted(requestID: String)
        /// Segmind v1 (synchronous): the video is already here.
        case completed(GeneratedVideo)
    }

    public var outcome: Outcome
    public var credits: CreditObservation?

    public init(outcome: Outcome, credits: CreditObservation?) {
        self.outcome = outcome
        self.credits = credits
    }
}

/// Where a provider request stands.
public struct GenerationStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case queued
        case processing
        case completed(GeneratedVideo)
        /// The provider said FAILED (content block, bad input found late...): not billed.
        case failed(message: String)
    }

    public var state: State
    public var credits: CreditObservation?

    public init(state: State, credits: CreditObservation?) {
        self.state = state
        self.credits = credits
    }
}

/// A finished video as the provider handed it over: archive it immediately, URLs expire.
public struct GeneratedVideo: Sendable, Equatable {
    public var content: VideoContent
    /// Provider-reported cost, when it tells us (USD).
    public var cost: Decimal?
    /// The seed the provider actually used, when it tells us.
    public var seed: Int?

    public init(content: VideoContent, cost: Decimal? = nil, seed: Int? = nil) {
        self.content = content
        self.cost = cost
        self.seed = seed
    }
}

public enum VideoContent: Sendable, Equatable {
    case url(URL)
    case bytes(Data, contentType: String)
}
