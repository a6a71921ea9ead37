import Foundation

/// How takes are joined: a stream copy when they already match, else one ffmpeg filter graph
/// that scales every take into the first one's frame (letterboxed), resamples every track to
/// the same rate, and gives a silent take a silent track, so the concat filter sees equal streams.
struct ConcatPlan {
    let probes: [VideoProbe]

    static let sampleRate = 48_000

    /// True when the MP4s can be joined without re-encoding.
    static func canCopy(_ probes: [VideoProbe]) -> Bool {
        guard let first = probes.first else { return false }
        return probes.allSatisfy {
            $0.videoCodec == "h264" && $0.audioCodec == "aac" && $0.width == first.width && $0.height == first.height
                && abs($0.fps - first.fps) < 0.01 && $0.audioSampleRate == first.audioSampleRate
                && $0.audioChannels == first.audioChannels
        }
    }

    /// The first take's size (even, as H.264 with 4:2:0 needs) and rate.
    var width: Int { even(probes.first?.width ?? 2) }
    var height: Int { even(probes.first?.height ?? 2) }
    var fps: String {
        let rate = probes.first?.fps ?? 0
        return rate > 0 ? String(format: "%.3f", rate) : "24"
    }

    func arguments(inputs: [String], output: String) -> [String] {
        var args: [String] = []
        for input in inputs { args += ["-i", input] }
        var graph: [String] = []
        var joined = ""
        for (index, probe) in probes.enumerated() {
            graph.append("[\(index):v]scale=\(width):\(height):force_original_aspect_ratio=decrease,"
                + "pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2,setsar=1,fps=\(fps),format=yuv420p[v\(index)]")
            if probe.hasAudio {
                graph.append("[\(index):a]aresample=\(Self.sampleRate),aformat=sample_fmts=fltp:channel_layouts=stereo[a\(index)]")
            } else {
                graph.append("anullsrc=r=\(Self.sampleRate):cl=stereo,atrim=duration=\(String(format: "%.3f", probe.duration)),"
                    + "aformat=sample_fmts=fltp[a\(index)]")
            }
            joined += "[v\(index)][a\(index)]"
        }
        graph.append("\(joined)concat=n=\(probes.count):v=1:a=1[v][a]")
        args += ["-filter_complex", graph.joined(separator: ";"), "-map", "[v]", "-map", "[a]",
                 "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", output]
        return args
    }

    private func even(_ value: Int) -> Int { max(2, value - value % 2) }
}
