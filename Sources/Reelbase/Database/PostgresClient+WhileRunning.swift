import PostgresNIO

extension PostgresClient {
    /// Runs `body` while this pool runs beside it, and stops the pool afterwards. `body` starts
    /// once the task running the pool has begun: started together, the first query usually came
    /// before `run()` and PostgresNIO logged a warning for it (hundreds in a test run's log).
    public func whileRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            let (started, begin) = AsyncStream<Void>.makeStream()
            group.addTask {
                begin.finish()
                await self.run()
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
