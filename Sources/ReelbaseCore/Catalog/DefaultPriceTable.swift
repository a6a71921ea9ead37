#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PriceTable {
    /// Seed rows derived from the published per-generation ranges (the providers' pricing pages), for tests,
    /// the simulator and the seeding migration. Operators edit the database copy, not this.
    /// Each range is read as 4 s without audio (low end) to 8 s with audio (high end), so the
    /// per-second rate doubles with audio; resolution does not change the price.
    /// AI/ML publishes no price here: its lite rows copy Segmind's lite rows.
    public static let published = PriceTable(rows: [
        PriceRow(modelID: "segmind/veo-3", generateAudio: false, unit: .perSecond, usd: dollars("0.20")),
        PriceRow(modelID: "segmind/veo-3", generateAudio: true, unit: .perSecond, usd: dollars("0.40")),
        PriceRow(modelID: "segmind/veo-3.1", generateAudio: false, unit: .perSecond, usd: dollars("0.20")),
        PriceRow(modelID: "segmind/veo-3.1", generateAudio: true, unit: .perSecond, usd: dollars("0.40")),
        PriceRow(modelID: "segmind/veo-3.1-fast", generateAudio: false, unit: .perSecond, usd: dollars("0.10")),
        PriceRow(modelID: "segmind/veo-3.1-fast", generateAudio: true, unit: .perSecond, usd: dollars("0.15")),
        PriceRow(modelID: "segmind/veo-3.1-lite", generateAudio: false, unit: .perSecond, usd: dollars("0.0625")),
        PriceRow(modelID: "segmind/veo-3.1-lite", generateAudio: true, unit: .perSecond, usd: dollars("0.125")),
        PriceRow(modelID: "aimlapi/veo-3.1-lite", generateAudio: false, unit: .perSecond, usd: dollars("0.0625")),
        PriceRow(modelID: "aimlapi/veo-3.1-lite", generateAudio: true, unit: .perSecond, usd: dollars("0.125")),
    ])
}

/// Decimal from a string literal, so no binary-float rounding sneaks into prices.
func dollars(_ text: String) -> Decimal {
    Decimal(string: text)!
}
