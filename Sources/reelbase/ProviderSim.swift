import ArgumentParser
import Foundation
import ProviderSimulator

/// `reelbase provider-sim`: the Segmind / AI/ML stand-in as its own server.
struct ProviderSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider-sim",
        abstract: "Run the provider simulator (Segmind v1/v2 and AI/ML) for demos, tests and benchmarks.")

    @Option(help: "Port to listen on (0 picks a free one).") var port = 9090
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Seconds a generation takes.") var latency = 3.0
    @Option(help: "Seconds a v2 request's status and result stay available.") var retention = 3600.0
    @Option(help: "Starting account balance in credits.") var balance = 1000.0
    @Option(name: .customLong("fail-rate"), help: "Fraction of async generations that end FAILED (0...1).") var failRate = 0.0
    @Option(name: .customLong("video-bytes"), help: "Size of the returned MP4 (padded), e.g. 20000000 for benchmarks.") var videoBytes: Int?
    @Option(name: .customLong("api-key"), help: "Only accept this key (default: any non-empty key).") var apiKey: String?
    @Flag(name: .customLong("sample-clips"), help: "Answer every generation with the 1 s sample instead of rendering clips with ffmpeg.") var sampleClips = false
    @Option(name: .customLong("history-lag"), help: "Seconds before a request appears in the request history (real histories lag).") var historyLag = 3.0

    func validate() throws {
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard latency >= 0, retention > 0, balance >= 0, historyLag >= 0 else {
            throw ValidationError("--latency, --retention, --balance and --history-lag must not be negative")
        }
    }

    func run() async throws {
        try await ProviderSimulator.run(SimulatorConfig(
            host: host, port: port, latencySeconds: latency, retentionSeconds: retention,
            balance: Decimal(string: String(balance)) ?? 1000, failRate: failRate, apiKey: apiKey, videoBytes: videoBytes,
            historyLagSeconds: historyLag, renderClips: !sampleClips))
    }
}
