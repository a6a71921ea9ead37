import Foundation
import ProviderSimulator
import Testing

/// Runs Tests/sdk/run.sh (the official Segmind Python SDK) against an in-process simulator.
/// Opt-in, since it needs Python: `REELBASE_SDK_TEST=1 swift test --filter SDKCompatibility`.
@Suite struct SDKCompatibilityTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["REELBASE_SDK_TEST"] == "1"))
    func officialSegmindSDKPasses() async throws {
        try await withSimulator(SimulatorConfig(latencySeconds: 1, historyLagSeconds: 3)) { sim, _ in
            let script = URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("sdk/run.sh")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script.path]
            var environment = ProcessInfo.processInfo.environment
            environment["SIM_URL"] = sim.baseURL
            environment["SIM_HISTORY_LAG"] = "3"
            process.environment = environment
            try process.run()
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            #expect(process.terminationStatus == 0)
        }
    }
}
