import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

/// Calls the storyboard API and decodes answers into the service's own types.
struct StoryboardClient {
    let client: any TestClientProtocol
    let key: String

    func call(_ uri: String, _ method: HTTPRequest.Method = .get, json: String? = nil) async throws -> TestResponse {
        try await client.call("/api/v1\(uri)", method, key: key, json: json)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse, status: HTTPResponse.Status = .ok,
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        return try JSONDecoder.api.decode(T.self, from: Data(buffer: response.body))
    }

    func campaign(budget: String? = nil) async throws -> UUID {
        let body = budget.map { #"{"name": "Film", "budget_usd": "\#($0)"}"# } ?? #"{"name": "Film"}"#
        return try decode(Created.self, try await call("/campaigns", .post, json: body), status: .created).id
    }

    func storyboard(campaign: UUID, name: String = "Teaser") async throws -> Storyboard {
        try decode(Storyboard.self, try await call("/campaigns/\(campaign)/storyboards", .post, json: #"{"name": "\#(name)"}"#), status: .created)
    }

    func addShot(_ board: UUID, _ json: String) async throws -> Shot {
        try decode(Shot.self, try await call("/storyboards/\(board)/shots", .post, json: json), status: .created)
    }

    func show(_ board: UUID) async throws -> Storyboard {
        try decode(Storyboard.self, try await call("/storyboards/\(board)"))
    }

    struct Created: Decodable { let id: UUID }
    struct Listed<Item: Decodable>: Decodable { let data: [Item]; let next_cursor: String? }
    struct ErrorBody: Decodable {
        struct Detail: Decodable { let code: String; let message: String }
        let error: Detail
    }
}
