import Foundation

/// Rate limits counted in fixed one-minute windows: a test that fills a window starts early in
/// one, so a minute boundary never splits its requests (and a busy machine has 20 s to send them).
enum MinuteWindow {
    static func startEarly() async throws {
        let intoMinute = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        if intoMinute > 40 { try await Task.sleep(for: .seconds(60.2 - intoMinute)) }
    }
}
