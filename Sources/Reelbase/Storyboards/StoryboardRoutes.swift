import Foundation

/// Storyboards, wired onto the authenticated `/api/v1` group.
func addStoryboardRoutes(to gates: Gates, services s: Services) {
    StoryboardController(storyboards: s.storyboards, shots: s.shotPlanner, runs: s.storyboardRuns).addRoutes(to: gates)
}

extension Services {
    var shotPlanner: ShotPlanner { ShotPlanner(planner: generationPlanner, storyboards: storyboards) }

    var storyboardRuns: StoryboardRuns {
        StoryboardRuns(db: db, storyboards: storyboards, shots: shotPlanner, generations: generations, jobs: jobs, audit: audit,
                       events: storyboards.events, logger: logger)
    }

    /// What the `advance_storyboard` job runs. The continuity frame comes from the video
    /// toolkit's exact last frame.
    var storyboardAdvancer: StoryboardAdvancer {
        let intake = AssetIntake(store: blobs, assets: assets, inspector: ImageInspector(), maxBytes: config.maxUploadBytes)
        let video = self.video
        let frames = ContinuityFrames(db: db, generations: generations, store: blobs, intake: intake,
                                      lastFrame: { try await video.lastFrame(of: $0) }, logger: logger)
        let starter = ShotStarter(db: db, shots: shotPlanner, generations: generations, frames: frames, events: storyboards.events, logger: logger)
        return StoryboardAdvancer(db: db, storyboards: storyboards, starter: starter, events: storyboards.events, logger: logger)
    }
}
