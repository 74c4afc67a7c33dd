import Foundation
import Hummingbird
import ReferralCore

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

    func register(on router: Router<ReferralRequestContext>) {
        for base in Self.bases {
            let group = router.group(RouterPath(base))
            group.get { request, _ in
                let caller = try await auth.caller(for: request)
                return WireJSON.response(ProgramEnvelope(referralProgram: ProgramDTO(try await services.programs.get(caller))))
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
