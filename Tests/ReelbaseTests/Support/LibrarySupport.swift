import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// Helpers shared by the library tests (campaigns, prompts, assets, seeds).
enum Library {
    /// An app whose URL importer is `fetcher` (tests allow one loopback server explicitly).
    static func withApp<T>(fetcher: SafeURLFetcher, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        MetricsSetup.bootstrap()
        let services = try Services(config: try TestEnv.config(), logger: TestEnv.logger, http: .shared, urlFetcher: fetcher)
        var app = Application(router: buildRouter(services), logger: TestEnv.logger)
        app.addServices(services.lifecycle)
        return try await app.test(.router, body)
    }

    /// A second key for the team with the given role.
    static func key(_ role: String, team: TestTeam, client: any TestClientProtocol) async throws -> String {
        let created = try await client.call("/api/v1/api-keys", .post, key: team.api_key, json: #"{"name": "\#(role)", "role": "\#(role)"}"#)
        return try decode(APIKeyController.CreatedKey.self, from: created).key
    }

    /// Runs one SQL count as the superuser.
    static func count(_ sql: String) async throws -> Int {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            return try await rows.decode(Int.self).firstElement() ?? -1
        }
    }

    static func exec(_ sql: String, withoutForeignKeyChecks: Bool = false) async throws {
        _ = try await TestEnv.withAdmin { db, logger in
            try await db.withTransaction(logger: logger) { conn in
                if withoutForeignKeyChecks { try await conn.query("SET LOCAL session_replication_role = replica", logger: logger) }
                try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
            return 0
        }
    }

    /// The server's message when `sql` is refused, or "allowed".
    static func refusal(_ sql: String) async throws -> String {
        try await TestEnv.withAdmin { db, _ in try await refusal(sql, on: db) }
    }

    /// The same on another database (a scratch one).
    static func refusal(_ sql: String, on db: PostgresClient) async throws -> String {
        do {
            try await db.query(PostgresQuery(unsafeSQL: sql), logger: TestEnv.logger)
            return "allowed"
        } catch let error as PSQLError {
            return error.serverInfo?[.message] ?? "refused"
        }
    }

    static func upload(_ bytes: [UInt8], as type: String = "image/png", query: String = "", key: String,
                       client: any TestClientProtocol, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.authorization] = "Bearer \(key)"
        headers[.contentType] = type
        return try await client.execute(uri: "/api/v1/assets" + query, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    static func multipart(_ file: [UInt8], fields: [String: String] = [:], boundary: String = "rb-test-boundary") -> (String, ByteBuffer) {
        var body = ByteBuffer()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: text/plain\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// A PNG header that claims `width`×`height` pixels (a decompression bomb's calling card).
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        return bytes + [8, 6, 0, 0, 0, 0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]
    }

    /// The same tiny PNG with a different trailing chunk, so each call gives new bytes.
    static func uniquePNG(padding: Int = 0) -> [UInt8] {
        var bytes = ImageFixtures.png4x3
        let text = Array("tEXt".utf8) + Array("k\0\(UUID().uuidString)".utf8) + (0..<padding).map { UInt8(65 + $0 % 26) }
        let length = UInt32(text.count - 4)
        let insertAt = bytes.count - 12  // before IEND
        bytes.insert(contentsOf: withUnsafeBytes(of: length.bigEndian) { Array($0) } + text + [0, 0, 0, 0], at: insertAt)
        return bytes
    }
}

extension TestResponse {
    /// The created record's id as the API spells it; nil when the body has none.
    var id: String? { (try? decode(Identified.self, from: self))?.id }
}
