import Foundation
import Hummingbird
import NIOCore
import ReferralCore
import Synchronization

/// `/_api/referral-programs/v1/program`: get, update, activate, pause, premium features.
struct ProgramRoutes {
    static let bases = ["/_api/referral-programs/v1/program"]

    let services: ReferralServices
    let auth: Authenticator
    /// The site's "refer friends" page, `{site}` replaced by the site id.
    let referFriendsURL: String?

    func referFriendsPage(_ site: SiteID) -> String? {
        referFriendsURL.map { $0.replacingOccurrences(of: "{site}", with: site.rawValue) }
    }

    /// The JSON of each site's program as last read: a program changes rarely and is read
    /// often (every widget load), and encoding it was a fifth of a program read's CPU.
    let encodedPrograms = EncodedProgramCache()

    func register(on router: Router<ReferralRequestContext>) {
        for base in Self.bases {
            let group = router.group(RouterPath(base))
            group.get { request, _ in
                let caller = try await auth.caller(for: request)
                let program = try await services.programs.get(caller)
                guard let body = encodedPrograms.body(for: program) else {
                    return WireJSON.response(ProgramEnvelope(referralProgram: ProgramDTO(program)))
                }
                return WireJSON.response(encoded: body)
            }
            group.patch { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(ProgramUpdateRequest.self, from: request, context: context)
                let program = try await services.programs.update(caller, body.referralProgram.update)
                return WireJSON.response(ProgramEnvelope(referralProgram: ProgramDTO(program)))
            }
            group.patch("activate") { request, _ in
                let caller = try await auth.caller(for: request)
                return WireJSON.response(ProgramEnvelope(referralProgram: ProgramDTO(try await services.programs.activate(caller))))
            }
            group.patch("pause") { request, _ in
                let caller = try await auth.caller(for: request)
                return WireJSON.response(ProgramEnvelope(referralProgram: ProgramDTO(try await services.programs.pause(caller))))
            }
            group.get("ai-social-media-posts-suggestions") { request, _ in
                let caller = try await auth.caller(for: request)
                let posts = try await services.programs.socialPosts(caller)
                return WireJSON.response(SocialPostsDTO(posts, referFriendsPageUrl: referFriendsPage(caller.site)))
            }
            group.post("ai-social-media-posts-suggestions") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(SocialPostsRequest.self, from: request, context: context)
                let posts = try await services.programs.generateSocialPosts(caller, topic: body.topic)
                return WireJSON.response(SocialPostsDTO(posts, referFriendsPageUrl: referFriendsPage(caller.site)))
            }
            group.get("premium-features") { request, _ in
                let caller = try await auth.caller(for: request)
                return WireJSON.response(PremiumFeaturesDTO(referralProgram: services.programs.premiumFeatures(caller)))
            }
        }
    }
}

/// The encoded `{"referralProgram": …}` body per site, reused while the program read from the
/// store is equal to the one it was made from.
final class EncodedProgramCache: Sendable {
    /// Past this many sites the cache starts over.
    static let limit = 10_000
    private let entries = Mutex<[SiteID: (program: ReferralProgram, body: ByteBuffer)]>([:])

    /// Nil only if the program fails to encode (a bug, answered as a 500 by the caller).
    func body(for program: ReferralProgram) -> ByteBuffer? {
        if let hit = entries.withLock({ $0[program.site] }), hit.program == program { return hit.body }
        guard let body = WireJSON.encode(ProgramEnvelope(referralProgram: ProgramDTO(program))) else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
            entries[program.site] = (program, body)
        }
        return body
    }
}
