import ArgumentParser
import Foundation
import Logging
import ProviderSimulator
import Reelbase

@main
struct ReelbaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reelbase",
        abstract: "Prompts, images, seeds and every generated video, for teams making AI video with Veo.",
        subcommands: [Serve.self, Worker.self, Migrate.self, TeamCommand.self, ProviderSim.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads the environment, failing with one clear message that names every bad variable.
func loadConfig() throws -> AppConfig {
    do {
        let config = try AppConfig.fromEnvironment()
        LogSetup.bootstrap(format: config.logFormat, level: config.logLevel)
        return config
    } catch let invalid as AppConfig.Invalid {
        FileHandle.standardError.write(Data((invalid.description + "\n").utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the API, the dashboard and a worker.")

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations at start.")
    var noMigrate = false

    func run() async throws {
        var config = try loadConfig()
        if noMigrate { config.applyMigrations = false }
        MetricsSetup.bootstrap()
        let logger = Logger(label: "reelbase")
        let simulator = config.demoMode ? try await startDemoSimulator(&config, logger: logger) : nil
        let app = try await buildApplication(config, logger: logger)
        try await app.runService()
        await simulator?.shutdown()
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run only the background worker (no HTTP API).")

    func run() async throws {
        var config = try loadConfig()
        config.applyMigrations = false
        MetricsSetup.bootstrap()
        try await runWorkerOnly(config, logger: Logger(label: "reelbase.worker"))
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    func run() async throws {
        let config = try loadConfig()
        let applied = try await withServices(config) { services in
            try await services.migrations.apply(on: services.db, logger: services.logger)
        }
        print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.map(String.init).joined(separator: ", "))")
    }
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "team", abstract: "Manage teams.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a team with its owner and a first API key; prints one line of JSON.")

        @Option(help: "The team's name.") var name: String
        @Option(name: .customLong("owner-email"), help: "The owner's email.") var ownerEmail: String
        @Option(name: .customLong("owner-password"), help: "The owner's password (generated when omitted).") var ownerPassword: String?

        func run() async throws {
            let config = try loadConfig()
            let created = try await withServices(config) { services in
                try await services.migrations.apply(on: services.db, logger: services.logger)
                return try await TeamAdmin.create(services, name: name, ownerEmail: ownerEmail, ownerPassword: ownerPassword)
            }
            print(created)
        }
    }
}

/// Demo mode: no provider key is configured, so generations go to an in-process simulator
/// and every page says so.
func startDemoSimulator(_ config: inout AppConfig, logger: Logger) async throws -> RunningSimulator {
    let simulator = try await ProviderSimulator.start(SimulatorConfig(latencySeconds: 8, balance: 1000, aimlModelID: config.aimlModelID))
    let demoKey = "demo-simulator-key"
    config.defaultSegmind = .init(apiKey: demoKey, baseURL: simulator.baseURL, mode: "async")
    config.defaultAIML = .init(apiKey: demoKey, baseURL: simulator.baseURL, mode: "async")
    config.segmindHistoryURL = simulator.historyURL
    if config.worker.expectedDurationOverride == nil { config.worker.expectedDurationOverride = 8 }
    logger.notice("demo mode: no provider key configured; generations go to the built-in simulator", metadata: ["simulator": "\(simulator.baseURL)"])
    return simulator
}
