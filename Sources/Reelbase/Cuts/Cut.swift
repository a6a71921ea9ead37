import Foundation
import Hummingbird

/// A storyboard's cut: its chosen takes joined in shot order into one video, numbered 1, 2, …
/// per storyboard. It keeps the list of takes it used, so a later change of takes makes a new
/// cut and never alters this one.
struct Cut: ResponseEncodable, Decodable, Sendable {
    /// Bound into SQL by its raw value.
    enum State: String, Codable, Sendable {
        case rendering, ready, failed
    }

    let number: Int
    let storyboard_id: UUID
    let state: State
    /// The takes, in the order they play.
    let generation_ids: [UUID]
    let duration_seconds: Double?
    let width: Int?
    let height: Int?
    let has_audio: Bool?
    let error: String?
    let created_at: Date
    /// Set once the cut is ready.
    let video_url: String?
    /// Set once its poster frame exists.
    let poster_url: String?

    static func path(storyboard: UUID, number: Int) -> String {
        "/api/v1/storyboards/\(storyboard.uuidString.lowercased())/cuts/\(number)"
    }
}

/// A shot that keeps a cut from being made, named in the 409.
struct ShotWithoutTake: Sendable {
    let shotID: UUID
    let position: Int
    let reason: String
}
