import ArgumentParser
import Foundation
import ReferralAPI
import ReferralCore
import ReferralStore

/// `referrals api-keys create|list|revoke`.
struct APIKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys",
        abstract: "Manage API keys (stored only as hashes).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")

        @Option(help: "A name to tell the key apart.") var name: String = "api key"
        @Option(help: "Bind the key to one site (default: valid for every site).") var site: String?
        @Option(name: .customLong("permission"), help: "A permission ID or SCOPE.DC-REFERRALS.MANAGE-REFERRALS (repeatable; default: all).")
        var permissions: [String] = []
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let siteID = try site.map { text in
                guard let id = try? SiteID(validating: text) else { throw ValidationError("--site: '\(text)' is not a valid site id") }
                return id
            }
            try await options.withStore(mustExist: true) { store, _ in
                let access = AccessService(store: store, generators: .live, bootstrapKey: nil)
                let (key, secret) = try await access.createKey(name: name, site: siteID, permissions: permissions)
                emit(secret)
                FileHandle.standardError.write(Data("created key \(key.prefix)… (id \(key.id.lowercased)); it is shown only once\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            try await options.withStore(mustExist: true) { store, _ in
                let keys = try await AccessService(store: store, generators: .live, bootstrapKey: nil).listKeys()
                emit(["ID", "PREFIX", "NAME", "SITE", "CREATED", "REVOKED", "PERMISSIONS"].joined(separator: "\t"))
                for key in keys {
                    emit(
                        [
                            key.id.lowercased, key.prefix, key.name, key.site?.rawValue ?? "*", Timestamp.format(key.createdDate),
                            key.revokedDate.map(Timestamp.format) ?? "-", key.permissions.joined(separator: ","),
                        ].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id or prefix.")
        @Argument(help: "The key's id or its prefix as listed.") var key: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let revoked = try await options.withStore(mustExist: true) { store, _ in
                try await AccessService(store: store, generators: .live, bootstrapKey: nil).revokeKey(key)
            }
            guard let revoked else { throw ValidationError("no active key has the id or prefix '\(key)'") }
            emit("revoked \(revoked.prefix) (\(revoked.name))")
        }
    }
}

/// `referrals tokens mint`: a member or visitor token signed with the deployment's secret.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mint member and visitor tokens.", subcommands: [Mint.self])

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an HS256 member (or visitor) token.")

        @Option(help: "The site the token is for.") var site: String
        @Option(help: "The member's contact id.") var member: String?
        @Option(help: "An anonymous visitor id (instead of --member).") var visitor: String?
        @Option(help: "Lifetime: e.g. 90s, 15m, 1h, 7d. Default: 1h") var ttl: String = "1h"
        @Option(help: "A referral code captured from the link the visitor arrived by.") var referralCode: String?
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard (member == nil) != (visitor == nil) else { throw ValidationError("give exactly one of --member and --visitor") }
            _ = try Self.seconds(ttl)
        }

        func run() async throws {
            guard let siteID = try? SiteID(validating: site) else { throw ValidationError("--site: '\(site)' is not a valid site id") }
            let lifetime = try Self.seconds(ttl)
            let token = try await options.withStore(mustExist: true) { store, _ in
                var secret = Environment.value("REFERRALS_TOKEN_SECRET") ?? ""
                if secret.isEmpty {
                    secret = try await AccessService(store: store, generators: .live, bootstrapKey: nil).storedSecret(
                        named: SecretName.tokenSecret)
                }
                let tokens = try await MemberTokens(secret: secret)
                return try await tokens.mint(
                    site: siteID, subject: member ?? visitor ?? "", role: member != nil ? .member : .visitor, ttl: lifetime,
                    referralCode: referralCode
                )
            }
            emit(token)
        }

        static func seconds(_ text: String) throws -> TimeInterval {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
            if let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()), value > 0 { return value * factor }
            if let value = Double(text), value > 0 { return value }
            throw ValidationError("--ttl: '\(text)' is not a duration such as 90s, 15m, 1h or 7d")
        }
    }
}
