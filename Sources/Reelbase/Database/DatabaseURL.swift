import Foundation
import PostgresNIO

/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
enum DatabaseURL {
    static func problem(with url: String) -> String? {
        do { _ = try configuration(from: url); return nil } catch let error as Problem { return error.reason } catch { return "is not valid" }
    }

    struct Problem: Error { let reason: String }

    static func configuration(from url: String, maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Problem(reason: "must start with postgres:// (e.g. postgres://reelbase:secret@127.0.0.1:5432/reelbase)")
        }
        guard let host = parts.host, !host.isEmpty else { throw Problem(reason: "has no host") }
        guard let user = parts.user, !user.isEmpty else { throw Problem(reason: "has no user name") }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw Problem(reason: "names no database (add /NAME after the host)") }
        let sslmode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw Problem(reason: "has sslmode=\(sslmode); use disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: parts.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }
}
