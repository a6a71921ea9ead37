import Foundation

/// Runs a command-line tool (ffmpeg, ffprobe) as a child process and waits for it without
/// blocking a thread. Output goes to temporary files, not pipes, so a chatty tool can never
/// fill a pipe buffer and hang. Shared by the service (posters, the Video toolkit) and the
/// provider simulator (its rendered clips).
public struct ProcessRunner: Sendable {
    /// What a finished process left behind.
    public struct Result: Sendable {
        public let status: Int32
        public let output: Data
        public let errorOutput: Data

        /// The last lines of stderr, for an error message.
        public var errorTail: String {
            let text = String(decoding: errorOutput, as: UTF8.self)
            return text.split(separator: "\n").suffix(3).joined(separator: " | ")
        }
    }

    /// A process that runs longer is terminated (its status is then non-zero).
    public var timeout: Duration
    /// Run at a lower CPU priority (`nice -n 10`): posters and cuts are background work, and on
    /// a busy machine they must not slow the paid pipeline (claims, submissions, bookings).
    public var background: Bool

    public init(timeout: Duration = .seconds(30), background: Bool = false) {
        self.timeout = timeout
        self.background = background
    }

    private static let nice = locate("nice", path: "/usr/bin:/bin")

    /// The first executable `name` on PATH.
    public static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public func run(_ executable: String, _ arguments: [String]) async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory
        let out = scratch.appendingPathComponent("proc-\(UUID().uuidString).out")
        let err = scratch.appendingPathComponent("proc-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        // `nice` execs the tool in its own place, so the timeout still stops the tool itself.
        var (program, args) = (executable, arguments)
        if background, let nice = Self.nice { (program, args) = (nice, ["-n", "10", executable] + arguments) }
        let box = RunningProcess(executable: program, arguments: args, output: outHandle, errorOutput: errHandle)
        // Too slow: a failure rather than a stuck task. SIGKILL, not SIGTERM: a child inherits
        // ignored signals, and a service that handles SIGTERM itself may have its tools ignore it.
        let watchdog = Task { [timeout] in
            try await Task.sleep(for: timeout)
            if box.process.isRunning { kill(box.process.processIdentifier, SIGKILL) }
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { done in
            box.process.terminationHandler = { done.resume(returning: $0.terminationStatus) }
            do { try box.process.run() } catch {
                box.process.terminationHandler = nil
                done.resume(throwing: error)
            }
        }
        try? outHandle.close()
        try? errHandle.close()
        return Result(status: status, output: (try? Data(contentsOf: out)) ?? Data(), errorOutput: (try? Data(contentsOf: err)) ?? Data())
    }
}

/// A child process shared with its watchdog; Foundation's Process is thread-safe for
/// `terminate()` but not marked Sendable.
private final class RunningProcess: @unchecked Sendable {
    let process = Process()

    init(executable: String, arguments: [String], output: FileHandle, errorOutput: FileHandle) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errorOutput
    }
}
