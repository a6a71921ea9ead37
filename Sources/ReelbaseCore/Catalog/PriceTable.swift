#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether a price row's amount is charged per second of video or once per generation.
public enum PriceUnit: String, Codable, Sendable, Hashable {
    case perSecond = "per_second"
    case perGeneration = "per_generation"
}

/// One editable row of the price table (one row of a database table).
/// A nil `resolution` or `generateAudio` matches any value; the most specific matching row wins.
public struct PriceRow: Codable, Sendable, Hashable {
    public var modelID: String
    public var resolution: String?
    public var generateAudio: Bool?
    public var unit: PriceUnit
    public var usd: Decimal

    public init(modelID: String, resolution: String? = nil, generateAudio: Bool? = nil, unit: PriceUnit, usd: Decimal) {
        self.modelID = modelID
        self.resolution = resolution
        self.generateAudio = generateAudio
        self.unit = unit
        self.usd = usd
    }

    /// `usd` is parsed strictly, like every money input (Money).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        modelID = try container.decode(String.self, forKey: .modelID)
        resolution = try container.decodeIfPresent(String.self, forKey: .resolution)
        generateAudio = try container.decodeIfPresent(Bool.self, forKey: .generateAudio)
        unit = try container.decode(PriceUnit.self, forKey: .unit)
        usd = try container.decode(USDAmount.self, forKey: .usd).value
    }

    enum CodingKeys: String, CodingKey {
        case resolution, unit, usd
        case modelID = "model_id"
        case generateAudio = "generate_audio"
    }

    func matches(modelID: String, params: GenerationParameters) -> Bool {
        self.modelID == modelID
            && (resolution == nil || resolution == params.resolution)
            && (generateAudio == nil || generateAudio == params.generateAudio)
    }

    /// Rows naming more conditions beat catch-all rows.
    var specificity: Int {
        (resolution == nil ? 0 : 1) + (generateAudio == nil ? 0 : 1)
    }
}

public struct PriceTable: Codable, Sendable, Hashable {
    public var rows: [PriceRow]

    public init(rows: [PriceRow]) {
        self.rows = rows
    }

    /// The most specific row for this request; ties go to the earliest row.
    public func row(modelID: String, params: GenerationParameters) -> PriceRow? {
        var best: PriceRow?
        for row in rows where row.matches(modelID: modelID, params: params) {
            if best == nil || row.specificity > best!.specificity { best = row }
        }
        return best
    }
}

public enum PricingError: Error, Sendable, Hashable, CustomStringConvertible {
    case noPrice(modelID: String, resolution: String, generateAudio: Bool)

    public var description: String {
        switch self {
        case let .noPrice(model, resolution, audio):
            "no price row for \(model) at \(resolution) with audio \(audio ? "on" : "off")"
        }
    }
}

/// Estimated USD cost of one generation, from the table's data alone.
public func estimateCost(model: ModelSpec, params: GenerationParameters, table: PriceTable) throws -> Decimal {
    guard let row = table.row(modelID: model.id, params: params) else {
        throw PricingError.noPrice(modelID: model.id, resolution: params.resolution, generateAudio: params.generateAudio)
    }
    switch row.unit {
    case .perSecond: return row.usd * Decimal(params.duration)
    case .perGeneration: return row.usd
    }
}
