import Foundation
import JWTKit
import ReferralCore

/// Claims of a member or visitor token (HS256, minted by the integrator's backend or by
/// `referrals tokens mint`).
struct MemberTokenClaims: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var site: String
    var exp: ExpirationClaim
    var referralCode: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Signs and verifies member and visitor tokens with the deployment's token secret, whose
/// UTF-8 bytes are the HMAC key.
public struct MemberTokens: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case member, visitor
    }

    /// HS256 keys shorter than the hash output are weak, and jwt-kit refuses them.
    public static let minimumSecretBytes = 32

    private let keys: JWTKeyCollection

    /// Fails for a secret shorter than 32 bytes: a configuration error reported at start-up,
    /// never a crash on the first token.
    public init(secret: String) async throws(ReferralError) {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw .validation(
                field: "REFERRALS_TOKEN_SECRET",
                "must be at least \(Self.minimumSecretBytes) bytes long (it is the HS256 key); it has \(secret.utf8.count)",
                rule: "MIN_LENGTH"
            )
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A signed token for `subject` on `site`, valid for `ttl` seconds.
    public func mint(
        site: SiteID, subject: String, role: Role = .member, ttl: TimeInterval, referralCode: String? = nil, now: Date = Date()
    ) async throws -> String {
        let claims = MemberTokenClaims(
            sub: SubjectClaim(value: subject), role: role.rawValue, site: site.rawValue,
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + ttl).rounded(.down))),
            referralCode: referralCode
        )
        return try await keys.sign(claims)
    }

    /// The identity a token carries on `site`: 401 for a bad or expired token, 403 for another site's.
    public func verify(_ token: String, site: SiteID) async throws(ReferralError) -> Caller {
        let claims: MemberTokenClaims
        do {
            claims = try await keys.verify(token, as: MemberTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw .unauthenticated("The token has expired.")
        } catch {
            throw .unauthenticated("The token is malformed, its signature is invalid, or it lacks a required claim (sub, role, site, exp).")
        }
        guard claims.site == site.rawValue else {
            throw .permissionDenied("The token was issued for another site.")
        }
        guard !claims.sub.value.isEmpty else { throw .unauthenticated("The token's subject is empty.") }
        switch Role(rawValue: claims.role) {
        case .member:
            return Caller(site: site, identity: .member(contactID: claims.sub.value, referralCode: claims.referralCode))
        case .visitor:
            return Caller(site: site, identity: .visitor(visitorID: claims.sub.value, referralCode: claims.referralCode))
        case nil:
            throw .unauthenticated("The token's role must be member or visitor.")
        }
    }
}
