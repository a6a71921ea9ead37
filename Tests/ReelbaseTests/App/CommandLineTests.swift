import Foundation
import Testing
@testable import Reelbase

/// The `reelbase` binary itself, run from `/`: it carries its migrations, so it needs no checkout.
@Suite struct CommandLineTests {
    /// `swift build --build-tests` puts the binary next to the test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("reelbase").path
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    func reelbase(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build --build-tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let config = try TestEnv.config()
        process.environment = [
            "DATABASE_URL": config.databaseURL, "REELBASE_SECRET_KEY": config.secretKey.base64EncodedString(),
            "REELBASE_BCRYPT_COST": "4", "PATH": "/usr/bin:/bin",
        ].merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func teamCreateWorksFromAnyDirectory() async throws {
        let email = "root-\(UUID().uuidString.prefix(8))@example.com"
        let run = try reelbase(["team", "create", "--name", "Made from /", "--owner-email", email])
        #expect(run.status == 0, "\(run.stderr)")
        let team = try JSONDecoder().decode(TestTeam.self, from: Data(run.stdout.utf8))
        #expect(team.owner_email == email && team.api_key.hasPrefix("rb_") && team.owner_password != nil)
    }

    @Test func aMissingMigrationsDirectoryIsNamedClearly() async throws {
        let run = try reelbase(["migrate"], environment: ["REELBASE_MIGRATIONS": "/nonexistent/migrations"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("REELBASE_MIGRATIONS=/nonexistent/migrations: no such directory"), "\(run.stderr)")
    }

    @Test func theEmbeddedMigrationsAreTheFilesInMigrations() throws {
        let files = try Migrations(directory: TestEnv.root + "/migrations").files
        #expect(try Migrations.embedded().files == files, "migrations/ changed: run scripts/embed-migrations.sh")
    }
}
