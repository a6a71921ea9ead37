import Foundation
import NIOHTTP1

/// The JSON body Segmind's Veo endpoints take (same for v1 and v2).
struct SegmindPayload: Encodable, Equatable {
    var prompt: String
    var negative_prompt: String?
    var duration: Int?
    var resolution: String?
    var aspect_ratio: String?
    var generate_audio: Bool?
    var fps: Int?
    var seed: Int?
    /// First frame: `image` on veo-3.1*, `image_url` on veo-3 (see `firstFrameUsesImageURL`).
    var image: String?
    var image_url: String?
    var last_frame: String?
    var reference_images: [String]?

    /// Models whose first-frame field is `image_url` rather than `image` (per the provider pages).
    static let firstFrameUsesImageURL: Set<String> = ["veo-3"]

    init(_ request: GenerationRequest, imageEncoding: ImageEncoding, api: ProviderAPI) throws(ProviderError) {
        guard request.personGeneration == nil else {
            throw ProviderError(
                kind: .invalidRequest, api: api, httpStatus: nil,
                message: "Segmind Veo models take no person_generation parameter")
        }
        prompt = request.prompt
        negative_prompt = request.negativePrompt
        duration = request.durationSeconds
        resolution = request.resolution?.rawValue
        aspect_ratio = request.aspectRatio
        generate_audio = request.generateAudio
        fps = request.fps
        seed = request.seed
        let firstFrame = request.firstFrame?.encoded(as: imageEncoding)
        if Self.firstFrameUsesImageURL.contains(request.model) {
            image_url = firstFrame
        } else {
            image = firstFrame
        }
        last_frame = request.lastFrame?.encoded(as: imageEncoding)
        reference_images = request.referenceImages.isEmpty
            ? nil : request.referenceImages.map { $0.encoded(as: imageEncoding) }
    }

    func encoded() -> Data {
        // Encoding plain strings, numbers and bools cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }
}

/// Segmind's slug goes into the path: allow only what slugs are made of.
enum SegmindSlug {
    static func validated(_ model: String, api: ProviderAPI) throws(ProviderError) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))
        guard !model.isEmpty, model.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ProviderError(kind: .invalidRequest, api: api, httpStatus: nil, message: "invalid Segmind model slug \"\(model)\"")
        }
        return model
    }
}

/// Segmind's accounting: headers on every response, `metrics` in v2 bodies.
enum SegmindCredits {
    static func fromHeaders(_ headers: HTTPHeaders) -> CreditObservation? {
        let remaining = DecimalText.parse(headers.first(name: "x-remaining-credits"))
        let cost = DecimalText.parse(headers.first(name: "x-cost"))
        guard remaining != nil || cost != nil else { return nil }
        return CreditObservation(account: .segmind, remaining: remaining, cost: cost, source: .responseHeaders)
    }

    static func fromMetrics(_ metrics: SegmindMetrics?) -> CreditObservation? {
        guard let metrics, metrics.remainingCredits != nil || metrics.cost != nil else { return nil }
        return CreditObservation(
            account: .segmind, remaining: metrics.remainingCredits, cost: metrics.cost, source: .responseMetrics)
    }
}

/// `metrics` of a v2 body (field names unconfirmed upstream: missing ones read as nil).
struct SegmindMetrics: Decodable, Sendable {
    var cost: Decimal?
    var remainingCredits: Decimal?

    enum CodingKeys: String, CodingKey {
        case cost
        case remainingCredits = "remaining_credits"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cost = container.decimalIfPresent(forKey: .cost)
        remainingCredits = container.decimalIfPresent(forKey: .remainingCredits)
    }
}

/// `GET /v1/get-user-credits`, shared by the v1 and v2 clients (one account).
enum SegmindBalance {
    struct Body: Decodable {
        var credits: Decimal?
        var freeCredits: Decimal?

        enum CodingKeys: String, CodingKey {
            case credits
            case freeCredits = "free-credits"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            credits = container.decimalIfPresent(forKey: .credits)
            freeCredits = container.decimalIfPresent(forKey: .freeCredits)
        }
    }

    static func fetch(_ transport: ProviderTransport) async throws(ProviderError) -> AccountBalance {
        let response = try await transport.send(.GET, "/v1/get-user-credits", call: .read)
        guard response.status == 200 else {
            throw transport.failure(response, call: .read, credits: SegmindCredits.fromHeaders(response.headers))
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body), let credits = body.credits else {
            throw transport.unusableBody("balance body without \"credits\"", status: response.status, call: .read, credits: nil)
        }
        let free = body.freeCredits ?? 0
        let observation = CreditObservation(account: .segmind, remaining: credits + free, source: .balanceEndpoint)
        return AccountBalance(credits: credits, freeCredits: free, observation: observation)
    }
}
