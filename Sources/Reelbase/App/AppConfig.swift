import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// Everything the service reads from the environment, validated once at start.
public struct AppConfig: Sendable {
    public var databaseURL: String
    public var host: String
    public var port: Int
    /// 32-byte key that encrypts provider keys at rest (AES-GCM).
    public var secretKey: Data
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var applyMigrations: Bool
    /// A directory of `NNNN_name.sql` files; nil (the default) uses the ones built into the binary.
    public var migrationsPath: String?
    /// The dashboard's files (REELBASE_PUBLIC, else found near the working directory or the binary).
    public var publicPath: String
    public var runWorker: Bool
    /// bcrypt work factor for passwords; tests lower it to stay fast.
    public var bcryptCost: UInt8
    public var databasePoolSize: Int
    public var maxVideoBytes: Int
    public var worker: WorkerSettings
    public var jobs = JobSettings()
    /// The sign-in throttle's free tries per (account, address) and per-address ceiling.
    public var signIn = SignInLimits()
    public var maxUploadBytes: Int
    /// A connection silent this long is closed (also mid-body), and a body must arrive within
    /// `bodyDeadline` of its request's start: slow senders cannot pile up.
    public var idleTimeoutSeconds: Int
    public var bodyDeadlineSeconds: Int
    /// Take the client address from `X-Forwarded-For` (its last entry): only behind a proxy you run.
    public var trustForwardedFor: Bool
    /// Cookies get `Secure` unless the operator serves plain HTTP on purpose (local dev).
    public var secureCookies: Bool
    /// The instance's public base URL (`REELBASE_PUBLIC_URL`); https turns on HSTS and Secure cookies.
    public var publicURL: URL?
    /// The rule for every request Reelbase makes on its own (`REELBASE_OUTBOUND_HTTP_HOSTS`).
    public var outbound: OutboundPolicy
    /// Team-set provider base URLs may be private addresses (simulator in demos and tests).
    public var allowPrivateProviderHosts: Bool
    /// Webhook endpoints: may they be private addresses (`REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS`),
    /// each attempt's deadline, and how many deliveries one endpoint may have in flight per process.
    public var webhooks = WebhookSettings()
    /// When set, `/metrics` wants `Authorization: Bearer <token>`.
    public var metricsToken: String?

    /// Instance-wide provider accounts for teams that configured none.
    public var defaultSegmind: DefaultAccount?
    public var defaultAIML: DefaultAccount?
    public var aimlModelID: String
    /// Segmind's request history (the provider's own books) and how late a request may appear
    /// there; used to settle `submit_unknown` jobs on Segmind accounts.
    public var segmindHistoryURL: String
    public var segmindHistoryLagSeconds: Int
    /// A Segmind `submit_unknown` job is looked up in that history this long after its POST
    /// (`REELBASE_SUBMIT_UNKNOWN_SETTLE_SECONDS`), by a sweep every `submitUnknownSweepEvery`.
    public var submitUnknownSettleSeconds: Int
    public var submitUnknownSweepEvery: Duration = .seconds(30)
    /// How long `POST /v1/{slug}` (the gateway's synchronous call) waits for the video
    /// (`REELBASE_GATEWAY_MAX_WAIT_SECONDS`); after that it answers 504 with where to follow it.
    public var gatewayMaxWaitSeconds = 600
    /// What one team may spend per UTC month on the instance default accounts
    /// (`REELBASE_DEFAULT_ACCOUNT_TEAM_BUDGET_USD`); nil is no cap. No team owner can lift it.
    public var defaultAccountTeamBudgetUSD: Decimal?
    /// No real provider key: run the built-in simulator and say so on every page.
    public var demoMode: Bool

    public struct DefaultAccount: Sendable {
        public var apiKey: String
        public var baseURL: String
        public var mode: String

        public init(apiKey: String, baseURL: String, mode: String) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.mode = mode
        }
    }

    public enum LogFormat: String, Sendable { case text, json }

    /// The outbound rule for base URLs a team sets on a provider account.
    public var teamProviderHosts: OutboundPolicy {
        var policy = outbound
        policy.allowPrivateAddresses = allowPrivateProviderHosts
        return policy
    }

    /// The outbound rule for webhook endpoint URLs, checked at creation and at every delivery.
    public var webhookHosts: OutboundPolicy {
        var policy = outbound
        policy.allowPrivateAddresses = webhooks.allowPrivateHosts
        return policy
    }

    public struct WebhookSettings: Sendable {
        public var allowPrivateHosts = false
        public var timeout: Duration = .seconds(10)
        public var endpointConcurrency = 4
        public init() {}
    }

    /// Strict-Transport-Security and Secure cookies: only when the public URL is https.
    public var servesHTTPS: Bool { publicURL?.scheme?.lowercased() == "https" }

    var defaultAccounts: [ProviderAccount: DefaultAccount] {
        var result: [ProviderAccount: DefaultAccount] = [:]
        result[.segmind] = defaultSegmind
        result[.aimlapi] = defaultAIML
        return result
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String {
            "Reelbase cannot start; fix these environment variables:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Reads and validates every variable, reporting all problems at once.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var problems: [String] = []
        func string(_ name: String, default value: String) -> String {
            guard let raw = env[name], !raw.isEmpty else { return value }
            return raw
        }
        func bool(_ name: String, default value: Bool) -> Bool {
            guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return value }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default:
                problems.append("\(name)=\(raw) is not a boolean (use true or false)")
                return value
            }
        }
        func int(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let raw = env[name], !raw.isEmpty else { return value }
            guard let parsed = Int(raw), range.contains(parsed) else {
                problems.append("\(name)=\(raw) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
                return value
            }
            return parsed
        }

        let databaseURL = env["DATABASE_URL"] ?? ""
        if databaseURL.isEmpty {
            problems.append("DATABASE_URL is missing (e.g. postgres://user:pass@127.0.0.1:5432/reelbase)")
        } else if let reason = DatabaseURL.problem(with: databaseURL) {
            problems.append("DATABASE_URL \(reason)")
        }

        var secretKey = Data()
        switch env["REELBASE_SECRET_KEY"] {
        case nil, "":
            problems.append("REELBASE_SECRET_KEY is missing (32 random bytes, base64: `openssl rand -base64 32`)")
        case let raw?:
            if let data = Data(base64Encoded: raw), data.count == 32 {
                secretKey = data
            } else {
                problems.append("REELBASE_SECRET_KEY must be exactly 32 bytes, base64-encoded")
            }
        }

        let levelRaw = string("LOG_LEVEL", default: "info").lowercased()
        let level = Logger.Level(rawValue: levelRaw)
        if level == nil { problems.append("LOG_LEVEL=\(levelRaw) must be one of trace, debug, info, notice, warning, error, critical") }
        let formatRaw = string("LOG_FORMAT", default: "text").lowercased()
        let format = LogFormat(rawValue: formatRaw)
        if format == nil { problems.append("LOG_FORMAT=\(formatRaw) must be text or json") }

        func account(_ prefix: String, baseURL: String) -> DefaultAccount? {
            guard let key = env["\(prefix)_API_KEY"], !key.isEmpty else { return nil }
            let mode = string("\(prefix)_MODE", default: "async")
            if !["async", "sync"].contains(mode) { problems.append("\(prefix)_MODE=\(mode) must be async or sync") }
            return DefaultAccount(apiKey: key, baseURL: string("\(prefix)_BASE_URL", default: baseURL), mode: mode)
        }
        let segmind = account("REELBASE_SEGMIND", baseURL: "https://api.segmind.com")
        let aiml = account("REELBASE_AIML", baseURL: "https://api.aimlapi.com")
        let demoRaw = string("REELBASE_DEMO", default: "auto").lowercased()
        if !["auto", "on", "off"].contains(demoRaw) { problems.append("REELBASE_DEMO=\(demoRaw) must be auto, on or off") }

        var worker = WorkerSettings()
        worker.slots = int("REELBASE_WORKER_SLOTS", default: worker.slots, range: 1...256)
        worker.lease = .seconds(int("REELBASE_WORKER_LEASE_SECONDS", default: 30, range: 2...3600))
        worker.heartbeat = worker.lease / 3
        worker.idlePoll = .milliseconds(int("REELBASE_WORKER_IDLE_POLL_MS", default: 2000, range: 10...60000))
        worker.minPollInterval = Double(int("REELBASE_WORKER_MIN_POLL_MS", default: 1000, range: 0...60000)) / 1000
        if let expected = env["REELBASE_WORKER_EXPECTED_SECONDS"], !expected.isEmpty {
            if let value = Double(expected), value > 0 { worker.expectedDurationOverride = value }
            else { problems.append("REELBASE_WORKER_EXPECTED_SECONDS=\(expected) must be a positive number of seconds") }
        }
        var signIn = SignInLimits()
        signIn.freeAttempts = int("REELBASE_SIGNIN_FREE_ATTEMPTS", default: signIn.freeAttempts, range: 1...1000)
        signIn.addressCeiling = int("REELBASE_SIGNIN_ADDRESS_CEILING", default: signIn.addressCeiling, range: 1...1_000_000)

        var publicURL: URL?
        if let raw = env["REELBASE_PUBLIC_URL"], !raw.isEmpty {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false,
               url.query == nil, url.fragment == nil, url.user == nil {
                publicURL = url
            } else {
                problems.append("REELBASE_PUBLIC_URL=\(raw) must be the instance's http(s) base URL, e.g. https://reelbase.example.com")
            }
        }
        var outbound = OutboundPolicy()
        if let raw = env["REELBASE_OUTBOUND_HTTP_HOSTS"], !raw.isEmpty {
            if let hosts = OutboundPolicy.parseHTTPHosts(raw) { outbound.httpHosts = hosts }
            else { problems.append("REELBASE_OUTBOUND_HTTP_HOSTS=\(raw) must be comma-separated host or host:port entries") }
        }
        var webhooks = WebhookSettings()
        webhooks.allowPrivateHosts = bool("REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS", default: false)
        webhooks.timeout = .seconds(int("REELBASE_WEBHOOK_TIMEOUT_SECONDS", default: 10, range: 1...60))
        webhooks.endpointConcurrency = int("REELBASE_WEBHOOK_ENDPOINT_CONCURRENCY", default: 4, range: 1...64)
        let metricsToken = env["REELBASE_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let token = metricsToken, token.count < 16 || token.contains(where: { $0.isWhitespace || !$0.isASCII }) {
            problems.append("REELBASE_METRICS_TOKEN must be at least 16 ASCII characters without spaces")
        }

        var defaultAccountBudget: Decimal?
        if let raw = env["REELBASE_DEFAULT_ACCOUNT_TEAM_BUDGET_USD"], !raw.isEmpty {
            if let value = Money.parse(raw), value >= 0, Money.problem(with: value) == nil { defaultAccountBudget = value }
            else { problems.append("REELBASE_DEFAULT_ACCOUNT_TEAM_BUDGET_USD=\(raw) must be a USD amount such as 50 or 12.50") }
        }

        var config = AppConfig(
            databaseURL: databaseURL,
            host: string("REELBASE_HOST", default: "127.0.0.1"),
            port: int("REELBASE_PORT", default: 8080, range: 0...65535),
            secretKey: secretKey,
            logLevel: level ?? .info,
            logFormat: format ?? .text,
            applyMigrations: bool("REELBASE_AUTO_MIGRATE", default: true),
            migrationsPath: env["REELBASE_MIGRATIONS"].flatMap { $0.isEmpty ? nil : $0 },
            publicPath: string("REELBASE_PUBLIC", default: Self.locatePublicFiles()),
            runWorker: bool("REELBASE_RUN_WORKER", default: true),
            bcryptCost: UInt8(int("REELBASE_BCRYPT_COST", default: 12, range: 4...16)),
            databasePoolSize: int("REELBASE_DB_POOL_SIZE", default: 20, range: 1...500),
            maxVideoBytes: int("REELBASE_MAX_VIDEO_BYTES", default: 512 << 20, range: 1024...(4 << 30)),
            worker: worker,
            signIn: signIn,
            maxUploadBytes: int("REELBASE_MAX_UPLOAD_BYTES", default: 20 << 20, range: 1024...(1 << 30)),
            idleTimeoutSeconds: int("REELBASE_IDLE_TIMEOUT_SECONDS", default: 30, range: 1...3600),
            bodyDeadlineSeconds: int("REELBASE_BODY_DEADLINE_SECONDS", default: 120, range: 1...86400),
            trustForwardedFor: bool("REELBASE_TRUST_FORWARDED_FOR", default: false),
            secureCookies: bool("REELBASE_SECURE_COOKIES", default: false) || publicURL?.scheme?.lowercased() == "https",
            publicURL: publicURL,
            outbound: outbound,
            allowPrivateProviderHosts: bool("REELBASE_ALLOW_PRIVATE_PROVIDER_HOSTS", default: false),
            webhooks: webhooks,
            metricsToken: metricsToken,
            defaultSegmind: segmind,
            defaultAIML: aiml,
            aimlModelID: string("REELBASE_AIML_MODEL_ID", default: "google/veo-3.1-lite-generate-001"),
            segmindHistoryURL: string("REELBASE_SEGMIND_HISTORY_URL", default: SegmindHistoryClient.defaultURL),
            segmindHistoryLagSeconds: int("REELBASE_SEGMIND_HISTORY_LAG_SECONDS", default: 900, range: 0...86_400),
            submitUnknownSettleSeconds: int("REELBASE_SUBMIT_UNKNOWN_SETTLE_SECONDS", default: 60, range: 0...86_400),
            demoMode: demoRaw == "on" || (demoRaw == "auto" && segmind == nil && aiml == nil)
        )
        config.gatewayMaxWaitSeconds = int("REELBASE_GATEWAY_MAX_WAIT_SECONDS", default: 600, range: 1...3600)
        config.defaultAccountTeamBudgetUSD = defaultAccountBudget
        if !problems.isEmpty { throw Invalid(problems: problems) }
        return config
    }

    /// The schema this build applies: REELBASE_MIGRATIONS when set, else the embedded files.
    public func migrations() throws -> Migrations {
        try migrationsPath.map { try Migrations(directory: $0) } ?? Migrations.embedded()
    }

    /// `Public/` in the working directory, next to the binary (or in ../share/reelbase), or in the
    /// checkout the binary was built from, so `reelbase serve` works from any directory.
    static func locatePublicFiles(sourceFile: String = #filePath) -> String {
        let binary = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
        let checkout = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), binary, binary?.appendingPathComponent("../share/reelbase"), checkout]
            .compactMap { $0?.appendingPathComponent("Public").standardizedFileURL.path }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/index.html") } ?? "Public"
    }

    public func postgresConfiguration() throws -> PostgresClient.Configuration {
        try DatabaseURL.configuration(from: databaseURL, maximumConnections: databasePoolSize)
    }
}
