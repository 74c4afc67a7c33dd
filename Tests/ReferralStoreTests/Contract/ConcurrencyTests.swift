import Foundation
import ReferralCore
import Testing

/// Uniqueness under concurrent calls: the database constraints decide, not a check-then-insert.
@Suite("Concurrency contract")
struct ConcurrencyTests {
    @Test("30 parallel generates for one contact make exactly one referring customer", arguments: Backend.allCases)
    func parallelGenerate(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let results = try await withThrowingTaskGroup(of: ReferringCustomer.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "contact-1") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 30)
            #expect(Set(results.map(\.id)).count == 1)
            #expect(Set(results.map(\.referralCode)).count == 1)
            let page = try await fixture.services.referringCustomers.query(fixture.admin, nil)
            #expect(page.items.count == 1)
            let created = try await fixture.store.read { try await $0.changeEvents.list(site: fixture.site, after: nil, limit: 100) }
                .filter { $0.entity == .referringCustomer && $0.slug == .created }
            #expect(created.count == 1)
        }
    }

    @Test("20 parallel friend creations for one member make exactly one referred friend", arguments: Backend.allCases)
    func parallelFriendCreation(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let referrer = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let member = fixture.member("bob")
            let friends = try await withThrowingTaskGroup(of: ReferredFriend.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await fixture.services.referredFriends.create(member, CreateReferredFriend(referralCode: referrer.referralCode))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(friends.count == 20)
            #expect(Set(friends.map(\.id)).count == 1)
            #expect(friends.allSatisfy { $0.referringCustomerID == referrer.id && $0.status == .SIGN_UP_COMPLETED })
            let page = try await fixture.services.referredFriends.query(fixture.admin, nil)
            #expect(page.items.count == 1)
        }
    }

    @Test("parallel sign-ups of one member with two different codes: one wins, the other is not eligible", arguments: Backend.allCases)
    func competingReferrers(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let carol = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "carol")
            let member = fixture.member("bob")
            let outcomes = await withTaskGroup(of: Result<ReferredFriend, any Error>.self) { group in
                for index in 0..<20 {
                    let code = index.isMultiple(of: 2) ? alice.referralCode : carol.referralCode
                    group.addTask {
                        await Result { try await fixture.services.referredFriends.create(member, CreateReferredFriend(referralCode: code)) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let winners = Set(outcomes.compactMap { try? $0.get().referringCustomerID })
            #expect(winners.count == 1)
            for case .failure(let error) in outcomes {
                #expect((error as? ReferralError)?.code == "MEMBER_NOT_ELIGIBLE")
            }
        }
    }

    @Test("200 contacts get 200 distinct codes", arguments: Backend.allCases)
    func distinctCodes(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let customers = try await withThrowingTaskGroup(of: ReferringCustomer.self) { group in
                for index in 0..<200 {
                    group.addTask { try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "contact-\(index)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(customers.map(\.contactID)).count == 200)
            #expect(Set(customers.map(\.referralCode)).count == 200)
            #expect(Set(customers.map(\.id)).count == 200)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
