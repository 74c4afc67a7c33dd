import Foundation
import ReferralCore
import ReferralTestSupport
import SQLKit
import Testing

@testable import ReferralStore

/// A referring customer's totals: the increments of one transaction reach the row together at
/// its end, read back within the transaction, and equal the sum of the statements they replace.
@Suite("Referring customer totals")
struct CustomerTotalsTests {
    private func aliceAndBob(_ fixture: StoreFixture) async throws -> (ReferringCustomer, ReferredFriend) {
        try await fixture.activateProgram()
        let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
        let bob = try await fixture.services.referredFriends.create(
            fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
        return (alice, bob)
    }

    private func totals(_ tx: any StoreTransaction, site: SiteID) async throws -> [ReferringCustomerTotal] {
        let query = try QueryParser.parse(nil, schema: .referringCustomerTotals, cursors: CursorCodec(key: Array("totals-cursor-key".utf8)))
        return try await tx.statistics.queryCustomerTotals(query, site: site, contactIDs: ["alice"])
    }

    @Test("a transaction's actions and success add up in one row, read back before and after the commit", arguments: Backend.allCases)
    func mergedIncrements(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let (alice, bob) = try await aliceAndBob(fixture)
            let site = fixture.site
            let first = Date(timeIntervalSince1970: 1_790_000_000)
            let success = first.addingTimeInterval(1)
            let second = first.addingTimeInterval(2)
            let trigger = ActionTrigger(appID: "stores", activityType: .STORE_ORDER_PLACED)
            let inside = try await fixture.store.write { tx in
                let wasFirst = try await tx.statistics.recordFriendAction(bob, trigger: trigger, amountUnits: 12_500, at: first)
                try await tx.statistics.recordSuccessfulReferral(bob, rewardID: nil, at: success)
                let wasFirstAgain = try await tx.statistics.recordFriendAction(bob, trigger: trigger, amountUnits: 2_500, at: second)
                #expect(wasFirst && !wasFirstAgain)
                return try await totals(tx, site: site)
            }
            let after = try await fixture.store.read { try await totals($0, site: site) }
            for rows in [inside, after] {
                let row = try #require(rows.first)
                #expect(rows.count == 1)
                #expect(row.referringCustomerID == alice.id)
                #expect(row.totalAmountUnits == 15_000)
                #expect(row.totalFriendsWithActions == 1)
                #expect(row.totalSuccessfulReferrals == 1)
                #expect(row.lastFriendAction == second)
                #expect(row.lastSuccessfulReferral == success)
                #expect(row.updatedDate == second)
            }
        }
    }

    @Test(
        "the referrer's row is written once, at the end of the transaction (SQLite)", arguments: Backend.allCases.filter { $0 == .sqlite })
    func writtenOnceAtTheEnd(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let (_, bob) = try await aliceAndBob(fixture)
            let trigger = ActionTrigger(appID: "stores", activityType: .STORE_ORDER_PLACED)
            let changed = try await fixture.store.write { tx in
                let db = (tx as! SQLStoreTransaction).db
                let count = { try await db.raw("SELECT total_changes() AS n").first()!.decode(column: "n", as: Int.self) }
                let start = try await count()
                _ = try await tx.statistics.recordFriendAction(bob, trigger: trigger, amountUnits: 100, at: Date())
                try await tx.statistics.recordSuccessfulReferral(bob, rewardID: nil, at: Date())
                let recorded = try await count()
                try await SQLStatisticsRepository(db: db, dialect: .sqlite, memo: (tx as! SQLStoreTransaction).memo).addCustomerTotals()
                return (recorded - start, try await count() - recorded)
            }
            // The friend's action row only; then the referrer's totals row, once.
            #expect(changed.0 == 1)
            #expect(changed.1 == 1)
        }
    }

    @Test("increments for a customer deleted later in the same transaction are dropped with its row", arguments: Backend.allCases)
    func deletedInSameTransaction(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let (alice, bob) = try await aliceAndBob(fixture)
            let site = fixture.site
            let trigger = ActionTrigger(appID: "stores", activityType: .STORE_ORDER_PLACED)
            try await fixture.store.write { tx in
                _ = try await tx.statistics.recordFriendAction(bob, trigger: trigger, amountUnits: 100, at: Date())
                try await tx.statistics.customerDeleted(id: alice.id, site: site)
            }
            #expect(try await fixture.store.read { try await totals($0, site: site) }.isEmpty)
        }
    }

    @Test("orders reported through the engine leave totals equal to a recount of the events", arguments: Backend.allCases)
    func engineTotals(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let program = try await fixture.services.programs.get(fixture.admin)
            _ = try await fixture.services.programs.update(
                fixture.admin,
                ProgramUpdate(revision: program.revision, successfulReferralActions: [.STORE_ORDER_PLACED], status: .ACTIVE))
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            var amounts: [Int64] = []
            for friend in ["bob", "carol"] {
                _ = try await fixture.services.referredFriends.create(
                    fixture.member(friend), CreateReferredFriend(referralCode: alice.referralCode))
                for order in 0..<3 {
                    let cents = Int64(1_000 + 250 * order)
                    amounts.append(cents * 100)
                    _ = try await fixture.services.tracker.reportAction(
                        fixture.admin,
                        ReportedAction(
                            referredFriendID: nil, contactID: friend,
                            trigger: ActionTrigger(appID: "stores", activityType: .STORE_ORDER_PLACED),
                            amount: DecimalAmount("\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"), currency: "USD",
                            orderID: "\(friend)-\(order)"))
                }
            }
            let row = try #require(try await fixture.store.read { try await totals($0, site: fixture.site) }.first)
            let page = try await fixture.services.tracker.queryEvents(
                fixture.admin, .object(["cursorPaging": .object(["limit": .number(100)])]))
            let actions = page.items.filter { $0.kind.eventType == .ACTION }
            let successes = page.items.filter { $0.kind.eventType == .SUCCESSFUL_REFERRAL }
            #expect(actions.count == 6)
            #expect(row.totalAmountUnits == amounts.reduce(0, +))
            #expect(row.totalFriendsWithActions == 2)
            #expect(row.totalSuccessfulReferrals == Int64(successes.count))
            #expect(successes.count == 2)
            #expect(row.lastFriendAction == actions.map(\.createdDate).max())
        }
    }
}
