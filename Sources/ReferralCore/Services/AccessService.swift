import Crypto
import Foundation

/// API keys (stored only as SHA-256 hashes) and the deployment's generated secrets.
public struct AccessService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    /// Hash of `REFERRALS_ADMIN_API_KEY`, a key with every permission on every site.
    let bootstrapKeyHash: String?
    /// Stored keys looked up recently (`APIKeyCache`).
    let keyCache: APIKeyCache

    /// How long a server trusts a stored key it looked up without reading it again, i.e. how
    /// long a key revoked elsewhere keeps working on a running server.
    public static let defaultKeyCacheLifetime: TimeInterval = 1

    /// The shortest `REFERRALS_ADMIN_API_KEY` accepted: it opens every site, so it must not be guessable.
    public static let minimumBootstrapKeyLength = 24

    /// `keyCacheLifetime` 0 reads every stored key from the store on every request.
    public init(
        store: any ReferralStore, generators: Generators, bootstrapKey: String?,
        keyCacheLifetime: TimeInterval = defaultKeyCacheLifetime, keyCacheCapacity: Int = 4096
    ) {
        self.store = store
        self.generators = generators
        self.bootstrapKeyHash = bootstrapKey.flatMap { $0.isEmpty ? nil : Self.hash($0) }
        self.keyCache = APIKeyCache(lifetime: keyCacheLifetime, capacity: keyCacheCapacity)
    }

    /// Rejects a bootstrap key too short to be safe.
    public static func validateBootstrapKey(_ key: String) throws(ReferralError) {
        guard key.count >= minimumBootstrapKeyLength else {
            throw .validation(
                field: "REFERRALS_ADMIN_API_KEY",
                "must be at least \(minimumBootstrapKeyLength) characters long (it grants every permission on every site); it has \(key.count)",
                rule: "MIN_LENGTH"
            )
        }
    }

    /// Keys are long random strings, so a plain SHA-256 is the right hash: there is nothing to
    /// brute-force, and lookups by hash stay one indexed read.
    public static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Data(key.utf8)))
    }

    /// The identity an API key carries on `site`: 401 for an unknown or revoked key, 403 for a
    /// key bound to another site. A stored key is read from the store at most once per
    /// `keyCacheLifetime` (`APIKeyCache`).
    public func authenticate(apiKey: String, site: SiteID) async throws -> Caller {
        let hash = Self.hash(apiKey)
        if let bootstrapKeyHash, Self.constantTimeEqual(hash, bootstrapKeyHash) {
            return Caller(site: site, identity: .apiKey(id: "bootstrap", permissions: Set(Permission.allCases)))
        }
        let now = generators.now()
        let entry: APIKeyCache.Entry
        if let cached = keyCache.entry(hash: hash, now: now) {
            entry = cached
        } else {
            let removals = keyCache.removals
            guard let key = try await store.read({ try await $0.apiKeys.find(hash: hash) }) else {
                throw ReferralError.unauthenticated("The API key is unknown or was revoked.")
            }
            entry = APIKeyCache.Entry(key: key, permissions: (try? Permission.parse(key.permissions)) ?? [], fetched: now)
            keyCache.store(entry, readSince: removals)
        }
        guard entry.key.revokedDate == nil else {
            throw ReferralError.unauthenticated("The API key is unknown or was revoked.")
        }
        if let bound = entry.key.site, bound != site {
            throw ReferralError.permissionDenied("The API key is bound to another site.")
        }
        return Caller(site: site, identity: .apiKey(id: entry.key.id.lowercased, permissions: entry.permissions))
    }

    /// Creates a key and returns it with its secret, which is never stored and shown only now.
    public func createKey(name: String, site: SiteID?, permissions: [String]) async throws -> (key: APIKey, secret: String) {
        let names = permissions.isEmpty ? [Permission.allScope] : permissions
        _ = try Permission.parse(names)
        let secret = "rfk_" + Self.randomToken(length: 40)
        let key = APIKey(
            id: generators.newID(), name: name, prefix: String(secret.prefix(12)), hash: Self.hash(secret), site: site,
            permissions: names, createdDate: generators.now()
        )
        try await store.write { try await $0.apiKeys.insert(key) }
        return (key, secret)
    }

    public func listKeys() async throws -> [APIKey] {
        try await store.read { try await $0.apiKeys.list() }
    }

    /// Revokes by id or by the displayed prefix; nil when no active key matches. The key stops
    /// working on this server at once, and on other running servers within
    /// `keyCacheLifetime`.
    public func revokeKey(_ idOrPrefix: String) async throws -> APIKey? {
        let now = generators.now()
        let revoked = try await store.write { try await $0.apiKeys.revoke(idOrPrefix: idOrPrefix, at: now) }
        if let revoked { keyCache.remove(hash: revoked.hash) }
        return revoked
    }

    /// On first start with no key and no `REFERRALS_ADMIN_API_KEY`, creates an all-permission key
    /// and returns its secret so the caller can print it once. Returns nil otherwise.
    public func bootstrapIfNeeded() async throws -> String? {
        guard bootstrapKeyHash == nil else { return nil }
        guard try await store.read({ try await $0.apiKeys.countActive() }) == 0 else { return nil }
        return try await createKey(name: "bootstrap admin", site: nil, permissions: [Permission.allScope]).secret
    }

    /// A deployment secret kept in the database, generated on first use. Concurrent first uses
    /// (several servers) agree on one value.
    public func storedSecret(named name: String) async throws -> String {
        if let value = try await store.read({ try await $0.settings.value(for: name) }) { return value }
        let candidate = Self.randomToken(length: 48)
        return try await store.write { try await $0.settings.insertIfAbsent(key: name, value: candidate) }
    }

    /// Random `[A-Za-z0-9]` text from the OS's cryptographic source.
    public static func randomToken(length: Int) -> String {
        SecureRandom.text(length: length, from: ReferralCode.alphabet)
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
