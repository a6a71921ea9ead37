import Foundation
import Testing
import Tools

/// Background tools (posters, cuts) run below the service's CPU priority, so a busy machine
/// keeps the paid pipeline moving; the timeout still stops the tool itself.
@Suite struct ProcessRunnerTests {
    /// Field 19 of /proc/self/stat: the process's nice value, as the tool itself sees it.
    static let niceOfTool = ["-c", "cut -d ' ' -f 19 /proc/self/stat"]

    @Test func backgroundToolsRunNiced() async throws {
        let normal = try await ProcessRunner().run("/bin/sh", Self.niceOfTool)
        let background = try await ProcessRunner(background: true).run("/bin/sh", Self.niceOfTool)
        let base = Int(String(decoding: normal.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        let niced = Int(String(decoding: background.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(base != nil && niced != nil)
        #expect(niced == min(19, (base ?? 0) + 10))
    }

    @Test(arguments: [false, true]) func theTimeoutStopsTheTool(background: Bool) async throws {
        let started = ContinuousClock.now
        let result = try await ProcessRunner(timeout: .milliseconds(300), background: background).run("/bin/sleep", ["20"])
        #expect(result.status != 0)
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
