extension AsyncSequence {
    /// The first element, or nil: for queries that return at most one row.
    func firstElement() async throws -> Element? {
        var iterator = makeAsyncIterator()
        return try await iterator.next()
    }
}
