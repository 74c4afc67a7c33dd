import Hummingbird
import ReferralCore

/// Issued rewards, under both Wix path forms; coupon redemption [ext].
struct RewardRoutes {
    static let bases = ["/_api/referral-rewards/v1/referral-rewards", "/v1/referral-rewards"]

    let services: ReferralServices
    let auth: Authenticator

    func register(on router: Router<ReferralRequestContext>) {
        let rewards = services.rewards
        for base in Self.bases {
            let group = router.group(RouterPath(base))
            group.post("query") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(RewardQueryRequest.self, from: request, context: context)
                let page = try await rewards.query(caller, body.query, contactID: body.contactId)
                return WireJSON.response(
                    ReferralRewardsPage(referralRewards: page.items.map(ReferralRewardDTO.init), metadata: .init(page)))
            }
            group.post("coupons/apply") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(ApplyCouponRequest.self, from: request, context: context)
                return WireJSON.response(
                    ReferralRewardEnvelope(referralReward: .init(try await rewards.applyCoupon(caller, code: body.code))))
            }
            group.get(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                return WireJSON.response(ReferralRewardEnvelope(referralReward: .init(try await rewards.get(caller, id: id))))
            }
        }
    }
}

/// The referral tracker: events (and reporting actions [ext]), statistics, aggregates.
struct TrackerRoutes {
    static let eventBases = ["/_api/referral-tracker/v1/referral-events", "/v1/referral-events"]
    static let trackerBase = "/_api/referral-tracker/v1"

    let services: ReferralServices
    let auth: Authenticator

    func register(on router: Router<ReferralRequestContext>) {
        let tracker = services.tracker
        for base in Self.eventBases {
            let group = router.group(RouterPath(base))
            group.post { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(ReportActionRequest.self, from: request, context: context)
                return WireJSON.response(ReferralEventEnvelope(referralEvent: .init(try await tracker.reportAction(caller, body.domain))))
            }
            group.post("query") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decodeQuery(from: request, context: context)
                let page = try await tracker.queryEvents(caller, body.query)
                return WireJSON.response(ReferralEventsPage(referralEvents: page.items.map(ReferralEventDTO.init), metadata: .init(page)))
            }
            group.get(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                return WireJSON.response(ReferralEventEnvelope(referralEvent: .init(try await tracker.event(caller, id: id))))
            }
        }
        let group = router.group(RouterPath(Self.trackerBase))
        group.get("referral-statistics") { request, _ in
            let caller = try await auth.caller(for: request)
            return WireJSON.response(StatisticsDTO(try await tracker.statistics(caller)))
        }
        group.post("referring-customer-totals/query") { request, context in
            let caller = try await auth.caller(for: request)
            let body = try await WireJSON.decode(AggregateQueryRequest.self, from: request, context: context)
            let page = try await tracker.customerTotals(caller, body.query, contactIDs: body.contactIds)
            return WireJSON.response(
                ReferringCustomerTotalsPage(referringCustomerTotals: page.items.map(ReferringCustomerTotalDTO.init), metadata: .init(page))
            )
        }
        group.post("referred-friend-actions/query") { request, context in
            let caller = try await auth.caller(for: request)
            let body = try await WireJSON.decode(AggregateQueryRequest.self, from: request, context: context)
            let page = try await tracker.friendActivity(caller, body.query, contactIDs: body.contactIds)
            return WireJSON.response(
                ReferredFriendActionsPage(referredFriendActions: page.items.map(ReferredFriendActionDTO.init), metadata: .init(page))
            )
        }
    }
}
