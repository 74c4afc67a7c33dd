import Hummingbird
import ReferralCore

/// Referred friends, served under both Wix path forms.
struct ReferredFriendRoutes {
    static let bases = ["/referral_friends/v1/referred-friends", "/v1/referred-friends"]

    let services: ReferralServices
    let auth: Authenticator

    func register(on router: Router<ReferralRequestContext>) {
        let friends = services.referredFriends
        for base in Self.bases {
            let group = router.group(RouterPath(base))
            group.post { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(CreateReferredFriendRequest.self, from: request, context: context)
                let friend = try await friends.create(caller, body.domain)
                return WireJSON.response(ReferredFriendEnvelope(referredFriend: .init(friend)))
            }
            group.post("query") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decodeQuery(from: request, context: context)
                let page = try await friends.query(caller, body.query)
                return WireJSON.response(
                    ReferredFriendsPage(referredFriends: page.items.map(ReferredFriendDTO.init), metadata: .init(page)))
            }
            group.get("contact/:contactId") { request, context in
                let caller = try await auth.caller(for: request)
                let contactID = try context.parameters.require("contactId")
                return WireJSON.response(ReferredFriendEnvelope(referredFriend: .init(try await friends.get(caller, contactID: contactID))))
            }
            group.get(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                return WireJSON.response(ReferredFriendEnvelope(referredFriend: .init(try await friends.get(caller, id: id))))
            }
            group.patch(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                let body = try await WireJSON.decode(UpdateReferredFriendRequest.self, from: request, context: context)
                let friend = try await friends.update(
                    caller, id: id, status: body.referredFriend.status?.value, revision: body.referredFriend.revision?.value
                )
                return WireJSON.response(ReferredFriendEnvelope(referredFriend: .init(friend)))
            }
            group.delete(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                try await friends.delete(caller, id: id, revision: try revisionParameter(request))
                return WireJSON.response(EmptyResponse())
            }
        }
    }
}
