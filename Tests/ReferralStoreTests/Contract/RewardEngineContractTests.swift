import Foundation
import ReferralCore
import Testing

/// Exactly-once rewards under concurrency, and statistics that always equal a recount.
@Suite("Reward engine contract")
struct RewardEngineContractTests {
    static let coupon = CouponSpecification(name: "Welcome", discountType: .PERCENTAGE, percentage: 10)

    /// Active program: coupon for friends, 100 points for referrers, store orders qualify.
    func activateRewardingProgram(_ fixture: StoreFixture) async throws {
        let program = try await fixture.services.programs.get(fixture.admin)
        _ = try await fixture.services.programs.update(
            fixture.admin,
            ProgramUpdate(
                revision: program.revision, referredFriendReward: Reward(type: .COUPON, coupon: Self.coupon),
                referringCustomerReward: Reward(type: .LOYALTY_POINTS, loyaltyPoints: 100),
                successfulReferralActions: [.STORE_ORDER_PLACED], status: .ACTIVE
            )
        )
    }

    func order(_ contact: String, _ orderID: String, amount: String = "10.00", action: ReferralAction = .STORE_ORDER_PLACED)
        -> ReportedAction
    {
        ReportedAction(
            referredFriendID: nil, contactID: contact, trigger: ActionTrigger(appID: "stores", activityType: action),
            amount: DecimalAmount(amount), currency: "USD", orderID: orderID
        )
    }

    func allRewards(_ fixture: StoreFixture) async throws -> [ReferralReward] {
        try await fixture.services.rewards.query(fixture.admin, .object(["cursorPaging": .object(["limit": .number(100)])]), contactID: nil)
            .items
    }

    func allEvents(_ fixture: StoreFixture) async throws -> [ReferralEvent] {
        var events: [ReferralEvent] = []
        var query: JSONValue = .object(["cursorPaging": .object(["limit": .number(100)])])
        while true {
            let page = try await fixture.services.tracker.queryEvents(fixture.admin, query)
            events += page.items
            guard let next = page.nextCursor else { return events }
            query = .object(["cursorPaging": .object(["cursor": .string(next)])])
        }
    }

    @Test("25 parallel reports of one order: one action event and one referrer reward", arguments: Backend.allCases)
    func parallelSameOrder(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            _ = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            let report = order("bob", "order-1")
            let events = try await withThrowingTaskGroup(of: ReferralEvent.self) { group in
                for _ in 0..<25 { group.addTask { try await fixture.services.tracker.reportAction(fixture.admin, report) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(events.map(\.id)).count == 1)
            let actions = try await allEvents(fixture).filter { $0.kind.eventType == .ACTION }
            #expect(actions.count == 1)
            let referrerRewards = try await allRewards(fixture).filter { $0.side == .referringCustomer }
            #expect(referrerRewards.count == 1)
            let statistics = try await fixture.services.tracker.statistics(fixture.admin)
            #expect(statistics.totalActionsCompleted == 1)
            #expect(statistics.totalAmountUnits == 100_000)
        }
    }

    @Test("25 parallel different orders of one friend: exactly one referrer reward", arguments: Backend.allCases)
    func parallelDifferentOrders(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode)
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<25 {
                    group.addTask { _ = try await fixture.services.tracker.reportAction(fixture.admin, order("bob", "order-\(index)")) }
                }
                try await group.waitForAll()
            }
            let rewards = try await allRewards(fixture)
            #expect(rewards.filter { $0.receiver == .referringCustomer(alice.id) }.count == 1)
            #expect(rewards.filter { $0.receiver == .referredFriend(friend.id) }.count == 1)
            let events = try await allEvents(fixture)
            #expect(events.filter { $0.kind.eventType == .ACTION }.count == 25)
            #expect(events.filter { $0.kind.eventType == .SUCCESSFUL_REFERRAL }.count == 1)
            let updated = try await fixture.services.referredFriends.get(fixture.admin, id: friend.id.lowercased)
            #expect(updated.status == .ACTIONS_COMPLETED)
            #expect(updated.revision == 2)
            let totals = try await fixture.services.tracker.customerTotals(fixture.admin, nil, contactIDs: ["alice"]).items
            let total = try #require(totals.first)
            #expect(totals.count == 1)
            #expect(total.totalSuccessfulReferrals == 1)
            #expect(total.totalFriendsWithActions == 1)
            #expect(total.totalAmountUnits == Int64(2_500_000))
        }
    }

    @Test("parallel sign-ups of different friends: one coupon each, all codes distinct", arguments: Backend.allCases)
    func parallelSignUps(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friends = try await withThrowingTaskGroup(of: ReferredFriend.self) { group in
                for index in 0..<25 {
                    group.addTask {
                        try await fixture.services.referredFriends.create(
                            fixture.member("friend-\(index)"), CreateReferredFriend(referralCode: alice.referralCode)
                        )
                    }
                    // The same friend again, concurrently: still one reward.
                    group.addTask {
                        try await fixture.services.referredFriends.create(
                            fixture.member("friend-\(index)"), CreateReferredFriend(referralCode: alice.referralCode)
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(friends.map(\.id)).count == 25)
            let rewards = try await allRewards(fixture)
            #expect(rewards.count == 25)
            #expect(Set(rewards.map(\.sourceFriendID)) == Set(friends.map(\.id)))
            let codes = rewards.compactMap(\.coupon?.code)
            #expect(Set(codes).count == 25)
            #expect(codes.allSatisfy { $0.count == 12 && $0.allSatisfy { $0.isUppercase || $0.isNumber } })
            #expect(rewards.allSatisfy { $0.coupon?.specification == Self.coupon && $0.coupon?.status == .ACTIVE })
            #expect(try await fixture.services.tracker.statistics(fixture.admin).totalSignUpsCompleted == 25)
        }
    }

    @Test("a deleted and re-created friend earns no second reward on either side", arguments: Backend.allCases)
    func recreatedFriend(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let first = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            _ = try await fixture.services.tracker.reportAction(fixture.admin, order("bob", "order-1"))
            try await fixture.services.referredFriends.delete(fixture.admin, id: first.id.lowercased, revision: nil)
            let second = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            #expect(second.id != first.id)
            _ = try await fixture.services.tracker.reportAction(fixture.admin, order("bob", "order-2"))
            let rewards = try await allRewards(fixture)
            #expect(rewards.filter { $0.side == .referredFriend }.count == 1)
            #expect(rewards.filter { $0.side == .referringCustomer }.count == 1)
        }
    }

    @Test("setting a friend back to SIGN_UP_COMPLETED never makes a second successful referral", arguments: Backend.allCases)
    func statusReset(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            _ = try await fixture.services.tracker.reportAction(fixture.admin, order("bob", "order-1"))
            let completed = try await fixture.services.referredFriends.get(fixture.admin, id: friend.id.lowercased)
            _ = try await fixture.services.referredFriends.update(
                fixture.admin, id: friend.id.lowercased, status: .SIGN_UP_COMPLETED, revision: completed.revision
            )
            _ = try await fixture.services.tracker.reportAction(fixture.admin, order("bob", "order-2"))
            let events = try await allEvents(fixture)
            #expect(events.filter { $0.kind.eventType == .SUCCESSFUL_REFERRAL }.count == 1)
            let totals = try await fixture.services.tracker.customerTotals(fixture.admin, nil, contactIDs: ["alice"]).items
            #expect(totals.map(\.totalSuccessfulReferrals) == [1])
            #expect(try await allRewards(fixture).filter { $0.side == .referringCustomer }.count == 1)
        }
    }

    @Test("statistics equal a recount of the events after a random history", arguments: Backend.allCases)
    func statisticsMatchRecount(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            var random = SystemRandomNumberGenerator()
            var referrers: [ReferringCustomer] = []
            var friends: [String] = []
            var orders: [String] = []
            for step in 0..<160 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0, 1:
                    referrers.append(try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "referrer-\(step)"))
                case 2, 3:
                    guard let referrer = referrers.randomElement(using: &random) else { continue }
                    let friend = try await fixture.services.referredFriends.create(
                        fixture.member("friend-\(step)"), CreateReferredFriend(referralCode: referrer.referralCode)
                    )
                    friends.append(friend.contactID)
                case 4, 5, 6:
                    guard let contact = friends.randomElement(using: &random) else { continue }
                    let action: ReferralAction = Bool.random(using: &random) ? .STORE_ORDER_PLACED : .TICKET_ORDERED
                    let cents = Int.random(in: 0..<100_000, using: &random)
                    let report = order(
                        contact, "order-\(step)", amount: "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)", action: action)
                    _ = try await fixture.services.tracker.reportAction(fixture.admin, report)
                    orders.append("order-\(step)")
                case 7:
                    // A repeated order: must count nothing.
                    guard let orderID = orders.randomElement(using: &random), let contact = friends.first else { continue }
                    _ = try await fixture.services.tracker.reportAction(fixture.admin, order(contact, orderID, amount: "999.99"))
                case 8:
                    guard let index = friends.indices.randomElement(using: &random) else { continue }
                    let friend = try await fixture.services.referredFriends.get(fixture.admin, contactID: friends[index])
                    try await fixture.services.referredFriends.delete(fixture.admin, id: friend.id.lowercased, revision: nil)
                    friends.remove(at: index)
                default:
                    guard let index = referrers.indices.randomElement(using: &random) else { continue }
                    try await fixture.services.referringCustomers.delete(fixture.admin, id: referrers[index].id.lowercased, revision: nil)
                    referrers.remove(at: index)
                }
            }
            let events = try await allEvents(fixture)
            var amount: Int64 = 0
            for case .action(_, _, _, let value, _, _) in events.map(\.kind) { amount += value?.units ?? 0 }
            let statistics = try await fixture.services.tracker.statistics(fixture.admin)
            #expect(statistics.totalSignUpsCompleted == Int64(events.filter { $0.kind.eventType == .REFERRED_FRIEND_SIGNUP }.count))
            #expect(statistics.totalActionsCompleted == Int64(events.filter { $0.kind.eventType == .ACTION }.count))
            #expect(statistics.totalAmountUnits == amount)
            #expect(Set(events.compactMap(\.kind.orderID)).count == events.filter { $0.kind.eventType == .ACTION }.count)
        }
    }

    @Test("outbox snapshots are stored as Foundation would write them and read back intact", arguments: Backend.allCases)
    func storedSnapshots(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await activateRewardingProgram(fixture)
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob/ünï \"quoted\""), CreateReferredFriend(referralCode: alice.referralCode))
            _ = try await fixture.services.tracker.reportAction(fixture.admin, order(friend.contactID, "order/1", amount: "12.3456"))

            let events = try await fixture.store.read { try await $0.changeEvents.list(site: fixture.site, after: nil, limit: 100) }
            let kinds = Set(events.map(\.entity))
            #expect(kinds == [.program, .referringCustomer, .referredFriend, .referralEvent, .referralReward], "\(kinds)")
            let foundation = JSONEncoder()
            foundation.dateEncodingStrategy = .millisecondsSince1970
            for event in events {
                // The stored text is CompactJSONEncoder's; it must hold the values Foundation's
                // encoder writes (the webhook bodies and older rows are Foundation's).
                let ours = try JSONValue.parse(CompactJSONEncoder().encode(event.snapshot))
                let theirs = try JSONValue.parse(Array(foundation.encode(event.snapshot)))
                #expect(ours == theirs, "\(event.eventType)")
                let found = try await fixture.store.read { try await $0.changeEvents.find(id: event.id, site: fixture.site) }
                #expect(found == event)
            }
            let rewards = try await allRewards(fixture)
            let rewardSnapshots = events.compactMap { event -> ReferralReward? in
                if case .referralReward(let reward) = event.snapshot { reward } else { nil }
            }
            #expect(Set(rewardSnapshots.map(\.id)) == Set(rewards.map(\.id)))
        }
    }
}
