import Foundation

/// The JSON body of `POST /v2/video/generations` on the AI/ML API.
struct AimlPayload: Encodable, Equatable {
    var model: String
    var prompt: String
    var image_url: String?
    var last_image_url: String?
    var aspect_ratio: String?
    /// `720P` / `1080P`: upper case on this API.
    var resolution: String?
    var duration: Int?
    var generate_audio: Bool?
    var person_generation: String?

    init(_ request: GenerationRequest, imageEncoding: ImageEncoding) throws(ProviderError) {
        // Refuse rather than silently drop something that changes the video.
        var unsupported: [String] = []
        if request.seed != nil { unsupported.append("seed") }
        if request.negativePrompt != nil { unsupported.append("negative_prompt") }
        if request.fps != nil { unsupported.append("fps") }
        if !request.referenceImages.isEmpty { unsupported.append("reference_images") }
        guard unsupported.isEmpty else {
            throw ProviderError(
                kind: .invalidRequest, api: .aimlapi, httpStatus: nil,
                message: "the AI/ML API does not take: \(unsupported.joined(separator: ", "))")
        }
        model = request.model
        prompt = request.prompt
        image_url = request.firstFrame?.encoded(as: imageEncoding)
        last_image_url = request.lastFrame?.encoded(as: imageEncoding)
        aspect_ratio = request.aspectRatio
        resolution = request.resolution?.rawValue.uppercased()
        duration = request.durationSeconds
        generate_audio = request.generateAudio
        person_generation = request.personGeneration?.rawValue
    }

    func encoded() -> Data {
        (try? JSONEncoder().encode(self)) ?? Data()
    }
}

/// Both AI/ML bodies: `{"id", "status"}` on submit; plus `video`, `error`, `meta` when polled.
struct AimlGeneration: Decodable {
    struct Video: Decodable { var url: String? }
    struct Usage: Decodable {
        var creditsUsed: Decimal?
        var usdSpent: Decimal?

        enum CodingKeys: String, CodingKey {
            case creditsUsed = "credits_used"
            case usdSpent = "usd_spent"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            creditsUsed = container.decimalIfPresent(forKey: .creditsUsed)
            usdSpent = container.decimalIfPresent(forKey: .usdSpent)
        }
    }
    struct Meta: Decodable { var usage: Usage? }

    var id: String?
    var status: String?
    var video: Video?
    var error: ProviderJSON?
    var meta: Meta?

    enum CodingKeys: String, CodingKey { case id, status, video, error, meta }

    /// `id` and `status` must make sense; an odd optional field must not hide the answer.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        video = try? container.decodeIfPresent(Video.self, forKey: .video)
        error = try? container.decodeIfPresent(ProviderJSON.self, forKey: .error)
        meta = try? container.decodeIfPresent(Meta.self, forKey: .meta)
    }

    var credits: CreditObservation? {
        guard let usage = meta?.usage, usage.creditsUsed != nil || usage.usdSpent != nil else { return nil }
        return CreditObservation(
            account: .aimlapi, remaining: nil, cost: usage.usdSpent, creditsUsed: usage.creditsUsed, source: .usage)
    }
}
