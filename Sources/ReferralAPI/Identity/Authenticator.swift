import Hummingbird
import ReferralCore

/// Turns a request's `wix-site-id` and `Authorization` headers into a `Caller`. Routes call it
/// when they need a caller, so health checks never touch credentials.
public struct Authenticator: Sendable {
    let access: AccessService
    let tokens: MemberTokens
    let defaultSite: SiteID

    public init(access: AccessService, tokens: MemberTokens, defaultSite: SiteID) {
        self.access = access
        self.tokens = tokens
        self.defaultSite = defaultSite
    }

    func caller(for request: Request) async throws -> Caller {
        let site = try self.site(of: request)
        guard let header = request.headers[.authorization]?.trimmingWhitespace(), !header.isEmpty else {
            throw ReferralError.unauthenticated("Send an API key or a member token in the Authorization header.")
        }
        var credential = Substring(header)
        if credential.count > 7, credential.prefix(7).lowercased() == "bearer " {
            credential = credential.dropFirst(7).drop(while: { $0 == " " })
        }
        guard !credential.isEmpty, credential.utf8.count <= 4096 else {
            throw ReferralError.unauthenticated("The Authorization header is empty or too long.")
        }
        // A JWT has three dot-separated parts; API keys have no dots.
        if credential.utf8.filter({ $0 == UInt8(ascii: ".") }).count == 2 {
            return try await tokens.verify(String(credential), site: site)
        }
        return try await access.authenticate(apiKey: String(credential), site: site)
    }

    func site(of request: Request) throws(ReferralError) -> SiteID {
        guard let header = request.headers[.siteID] else { return defaultSite }
        return try SiteID(validating: header)
    }
}
