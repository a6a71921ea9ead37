import Foundation
import Logging
import ReelbaseCore

/// How a simulator instance behaves. Every field has a default suited to tests.
public struct SimulatorConfig: Sendable {
    public var host: String
    /// 0 picks a free port; read the real one from `RunningSimulator.port`.
    public var port: Int
    /// How long a generation takes (v1 holds the connection this long; v2/AI/ML jobs complete after it).
    public var latencySeconds: Double
    /// How long v2 / AI/ML status and results stay available after submission (Segmind: 1 hour).
    public var retentionSeconds: Double
    /// How long `/files/{id}.mp4` stays downloadable (Segmind reports 7 days).
    public var fileRetentionSeconds: Double
    /// Starting account balance in USD credits, shared by the Segmind and AI/ML routes.
    public var balance: Decimal
    /// Share of v2 / AI/ML jobs that end FAILED / error (0...1). FAILED jobs are not billed.
    public var failRate: Double
    /// When set, only this key is accepted (x-api-key or Bearer); otherwise any non-empty key.
    public var apiKey: String?
    /// Size of the returned video: when set, every answer is the 1 s sample padded with a `free`
    /// box to this size (benchmarks of big downloads); nil renders clips shaped as asked.
    public var videoBytes: Int?
    /// Render each clip with ffmpeg (duration, aspect ratio, audio, first frame as asked; cached
    /// by shape). Off, or without ffmpeg, every answer is the 1 s, 64×36, silent sample.
    public var renderClips: Bool
    /// Faults active from the start (see `FaultRule`).
    public var faults: [FaultRule]
    /// The model value AI/ML accepts (its own docs also drop the `google/` prefix; both are accepted).
    public var aimlModelID: String
    /// How long a Segmind request takes to appear in the request history (real histories lag).
    /// 0 suits tests; `reelbase provider-sim` defaults to a few seconds.
    public var historyLagSeconds: Double
    /// Prices charged per successful generation.
    public var priceTable: PriceTable
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1", port: Int = 0, latencySeconds: Double = 1,
        retentionSeconds: Double = 3600, fileRetentionSeconds: Double = 7 * 24 * 3600,
        balance: Decimal = 100, failRate: Double = 0, apiKey: String? = nil, videoBytes: Int? = nil,
        faults: [FaultRule] = [], aimlModelID: String = "google/veo-3.1-lite-generate-001",
        historyLagSeconds: Double = 0, priceTable: PriceTable = .published, logLevel: Logger.Level = .warning,
        renderClips: Bool = true
    ) {
        self.renderClips = renderClips
        self.host = host
        self.port = port
        self.latencySeconds = latencySeconds
        self.retentionSeconds = retentionSeconds
        self.fileRetentionSeconds = fileRetentionSeconds
        self.balance = balance
        self.failRate = failRate
        self.apiKey = apiKey
        self.videoBytes = videoBytes
        self.faults = faults
        self.aimlModelID = aimlModelID
        self.historyLagSeconds = historyLagSeconds
        self.priceTable = priceTable
        self.logLevel = logLevel
    }
}
