import ArgumentParser
import Foundation
import Hummingbird
import ReferralAPI
import ReferralCore
import ReferralStore
import ServiceLifecycle

/// `referrals serve`: migrates (unless told not to) and serves the API until SIGINT/SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server.")

    @Option(help: "Address to listen on. Env: REFERRALS_HOST. Default: 127.0.0.1")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free one). Env: REFERRALS_PORT. Default: 8080")
    var port: Int?

    @Option(help: "Site used when a request has no wix-site-id header. Env: REFERRALS_DEFAULT_SITE. Default: default")
    var defaultSite: String?

    @Option(help: "Largest accepted request body in bytes. Env: REFERRALS_MAX_BODY_BYTES. Default: 1048576")
    var maxBodyBytes: Int?

    @Option(help: "The site's refer-friends page shown with social-post suggestions; {site} is replaced. Env: REFERRALS_REFER_FRIENDS_URL")
    var referFriendsUrl: String?

    @Flag(inversion: .prefixedNo, help: "Deliver webhooks from this instance. Env: REFERRALS_WEBHOOKS=true|false. Default: on")
    var webhooks: Bool?

    @Flag(help: "Do not apply pending migrations at start (run `referrals migrate` first). Env: REFERRALS_AUTO_MIGRATE=false")
    var noMigrate = false

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let configuration = try makeConfiguration()
        let migrate = !noMigrate && Environment.value("REFERRALS_AUTO_MIGRATE")?.lowercased() != "false"
        let location = try options.location()
        try await options.withStore(migrate: migrate) { store, logger in
            let dependencies = try await AppDependencies.make(store: store, configuration: configuration, logger: logger)
            if let key = try await dependencies.services.access.bootstrapIfNeeded() {
                emit("Generated an admin API key with every permission. It is shown only this once; store it safely:")
                emit("  \(key)")
            }
            var services: [any Service] = []
            if try deliversWebhooks() {
                services.append(
                    WebhookDispatcher(
                        store: store, secrets: dependencies.secrets, options: try Self.webhookOptions(), now: Generators.live.now,
                        logger: logger
                    )
                )
            }
            let app = buildApplication(configuration: configuration, dependencies: dependencies, services: services) { port in
                emit("referrals listening on http://\(configuration.host):\(port) (database \(location.description))")
            }
            // SIGTERM/SIGINT start a graceful shutdown: in-flight requests and webhook
            // deliveries get 30 s, then what is left is cancelled, and a service that ignores
            // cancellation for 10 s more ends the process (a fatal error, non-zero status)
            // instead of leaving it running without a listener.
            var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
            group.maximumCancellationDuration = Self.cancellationLimit
            try await ServiceGroup(configuration: group).run()
            logger.info("server stopped")
        }
    }

    static let gracefulShutdownLimit: Duration = .seconds(30)
    static let cancellationLimit: Duration = .seconds(10)

    /// `--webhooks`/`--no-webhooks` beats `REFERRALS_WEBHOOKS`, which beats the default (on).
    func deliversWebhooks() throws -> Bool {
        if let webhooks { return webhooks }
        guard let text = Environment.value("REFERRALS_WEBHOOKS") else { return true }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ValidationError("REFERRALS_WEBHOOKS: '\(text)' is not true or false")
        }
    }

    /// Dispatcher tuning from the environment (documented in docs/WEBHOOKS.md).
    static func webhookOptions() throws -> WebhookDispatcher.Options {
        var options = WebhookDispatcher.Options()
        if let text = Environment.value("REFERRALS_WEBHOOK_LEASE_SECONDS") {
            guard let seconds = Double(text), seconds >= WebhookDispatcher.Options.minimumLease else {
                throw ValidationError(
                    "REFERRALS_WEBHOOK_LEASE_SECONDS: '\(text)' is not a number of seconds ≥ \(Int(WebhookDispatcher.Options.minimumLease)) (longer than the request timeout)"
                )
            }
            options.lease = seconds
        }
        if let text = Environment.value("REFERRALS_WEBHOOK_POLL_MS") {
            guard let millis = Int(text), millis >= 10 else {
                throw ValidationError("REFERRALS_WEBHOOK_POLL_MS: '\(text)' is not a number of milliseconds ≥ 10")
            }
            options.pollInterval = .milliseconds(millis)
        }
        return options
    }

    func makeConfiguration() throws -> AppConfiguration {
        let siteText = defaultSite ?? Environment.value("REFERRALS_DEFAULT_SITE") ?? "default"
        guard SiteID.isValid(siteText), let site = try? SiteID(validating: siteText) else {
            throw ValidationError("--default-site: a site id is 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        let resolvedPort =
            try port ?? Environment.value("REFERRALS_PORT").map { text in
                guard let value = Int(text) else { throw ValidationError("REFERRALS_PORT: '\(text)' is not a port number") }
                return value
            } ?? 8080
        guard (0...65535).contains(resolvedPort) else { throw ValidationError("--port must be between 0 and 65535") }
        let bodyLimit =
            try maxBodyBytes ?? Environment.value("REFERRALS_MAX_BODY_BYTES").map { text in
                guard let value = Int(text), value > 0 else {
                    throw ValidationError("REFERRALS_MAX_BODY_BYTES: '\(text)' is not a positive number")
                }
                return value
            } ?? AppConfiguration.defaultMaxBodyBytes
        return AppConfiguration(
            host: host ?? Environment.value("REFERRALS_HOST") ?? "127.0.0.1",
            port: resolvedPort,
            defaultSite: site,
            maxBodyBytes: bodyLimit,
            adminAPIKey: Environment.value("REFERRALS_ADMIN_API_KEY"),
            tokenSecret: Environment.value("REFERRALS_TOKEN_SECRET"),
            referFriendsURL: referFriendsUrl ?? Environment.value("REFERRALS_REFER_FRIENDS_URL")
        )
    }
}

/// `referrals migrate`: applies pending migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let logger = try options.makeLogger()
        let location = try options.location()
        let applied = try await StoreFactory.migrate(location, postgres: try options.postgresOptions(), logger: logger)
        emit("\(location.description): schema at version \(applied.last ?? 0) (\(applied.count) migrations applied)")
    }
}
