import Foundation
import Hummingbird
import Logging
import ReferralCore
import ServiceLifecycle

/// Plain settings of the HTTP application, made from flags and environment by `main`.
public struct AppConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 1 << 20

    public var host: String
    public var port: Int
    public var defaultSite: SiteID
    public var maxBodyBytes: Int
    /// `REFERRALS_ADMIN_API_KEY`: a key with every permission on every site.
    public var adminAPIKey: String?
    /// `REFERRALS_TOKEN_SECRET`; generated and kept in the database when nil.
    public var tokenSecret: String?
    /// The "refer friends" page shown with social-post suggestions; `{site}` is replaced.
    public var referFriendsURL: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        defaultSite: SiteID,
        maxBodyBytes: Int = AppConfiguration.defaultMaxBodyBytes,
        adminAPIKey: String? = nil,
        tokenSecret: String? = nil,
        referFriendsURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.defaultSite = defaultSite
        self.maxBodyBytes = maxBodyBytes
        self.adminAPIKey = adminAPIKey
        self.tokenSecret = tokenSecret
        self.referFriendsURL = referFriendsURL
    }
}

/// What the application runs on: the store, the domain services and the token keys.
public struct AppDependencies: Sendable {
    public var store: any ReferralStore
    public var services: ReferralServices
    public var tokens: MemberTokens
    public var logger: Logger
    /// Seals and opens webhook signing secrets.
    public var secrets: SecretBox

    /// Builds the services over `store`, resolving the token secret and cursor key (generated
    /// and stored on first use when not configured).
    public static func make(
        store: any ReferralStore, configuration: AppConfiguration, generators: Generators = .live, logger: Logger
    ) async throws -> AppDependencies {
        if let key = configuration.adminAPIKey { try AccessService.validateBootstrapKey(key) }
        let access = AccessService(store: store, generators: generators, bootstrapKey: configuration.adminAPIKey)
        let tokenSecret: String
        if let configured = configuration.tokenSecret {
            tokenSecret = configured
        } else {
            tokenSecret = try await access.storedSecret(named: SecretName.tokenSecret)
        }
        let cursorKey = try await access.storedSecret(named: SecretName.cursorKey)
        let webhookKey = try await access.storedSecret(named: SecretName.webhookSecretKey)
        let secrets = SecretBox(keyMaterial: webhookKey)
        let services = ReferralServices(
            store: store, generators: generators, cursors: CursorCodec(key: Array(cursorKey.utf8)), access: access, secrets: secrets
        )
        return AppDependencies(
            store: store, services: services, tokens: try await MemberTokens(secret: tokenSecret), logger: logger, secrets: secrets
        )
    }
}

/// Names of the generated secrets kept in the database.
public enum SecretName {
    public static let tokenSecret = "token_secret"
    public static let cursorKey = "cursor_key"
    /// Seals webhook signing secrets at rest.
    public static let webhookSecretKey = "webhook_secret_key"
}

/// The one composition root: tests build the same application as `referrals serve`.
public func buildApplication(
    configuration: AppConfiguration,
    dependencies: AppDependencies,
    services: [any Service] = [],
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, dependencies: dependencies)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "referrals"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: dependencies.logger
    )
}

/// The router with every route and middleware.
public func buildRouter(configuration: AppConfiguration, dependencies: AppDependencies) -> Router<ReferralRequestContext> {
    let router = Router(context: ReferralRequestContext.self)
    // Middlewares first: Hummingbird attaches them to the routes registered after them.
    router.add(middleware: RequestIDMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: WixErrorMiddleware())
    let auth = Authenticator(access: dependencies.services.access, tokens: dependencies.tokens, defaultSite: configuration.defaultSite)
    HealthRoutes(store: dependencies.store).register(on: router)
    ProgramRoutes(services: dependencies.services, auth: auth, referFriendsURL: configuration.referFriendsURL).register(on: router)
    ReferringCustomerRoutes(services: dependencies.services, auth: auth).register(on: router)
    ReferredFriendRoutes(services: dependencies.services, auth: auth).register(on: router)
    RewardRoutes(services: dependencies.services, auth: auth).register(on: router)
    TrackerRoutes(services: dependencies.services, auth: auth).register(on: router)
    WebhookRoutes(services: dependencies.services, auth: auth).register(on: router)
    return router
}
