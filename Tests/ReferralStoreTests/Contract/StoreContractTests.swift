import Foundation
import Logging
import ReferralCore
import ReferralTestSupport
import Synchronization
import Testing

@testable import ReferralStore

/// What every store must do, checked on every backend.
@Suite("Store contract")
struct StoreContractTests {
    @Test("the program is provisioned once, and a stale revision never overwrites", arguments: Backend.allCases)
    func programRevision(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let first = try await fixture.services.programs.get(fixture.admin)
            let again = try await fixture.services.programs.get(fixture.admin)
            #expect(first == again)
            #expect(first.revision == 1 && first.status == .DRAFT)
            let updated = try await fixture.services.programs.update(fixture.admin, ProgramUpdate(revision: 1, name: .set("Share")))
            #expect(updated.revision == 2)
            var stale = updated
            stale.settings.name = "Lost update"
            stale.revision = 3
            let staleProgram = stale
            let written = try await fixture.store.write { try await $0.programs.update(staleProgram, expectedRevision: 1) }
            #expect(written == false)
            #expect(try await fixture.services.programs.get(fixture.admin).settings.name == "Share")
            await #expect(throws: ReferralError.revisionMismatch(expected: 1, actual: 2)) {
                try await fixture.services.programs.update(fixture.admin, ProgramUpdate(revision: 1, name: .set("Other")))
            }
        }
    }

    @Test("a colliding referral code is redrawn", arguments: Backend.allCases)
    func codeCollision(backend: Backend) async throws {
        let codes = Mutex(["AAAAAAAAAAAA", "AAAAAAAAAAAA", "AAAAAAAAAAAA", "BBBBBBBBBBBB"])
        var generators = Generators.live
        generators.referralCode = { codes.withLock { $0.isEmpty ? ReferralCode.generate() : $0.removeFirst() } }
        try await withFixture(backend, generators: generators) { fixture in
            let first = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "c-1")
            let second = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "c-2")
            #expect(first.referralCode == "AAAAAAAAAAAA")
            #expect(second.referralCode == "BBBBBBBBBBBB")
        }
    }

    @Test("a deleted customer's code is never reissued, and the contact can generate again", arguments: Backend.allCases)
    func deletedCodeStaysReserved(backend: Backend) async throws {
        let codes = Mutex(["CCCCCCCCCCCC", "CCCCCCCCCCCC", "DDDDDDDDDDDD"])
        var generators = Generators.live
        generators.referralCode = { codes.withLock { $0.isEmpty ? ReferralCode.generate() : $0.removeFirst() } }
        try await withFixture(backend, generators: generators) { fixture in
            let customers = fixture.services.referringCustomers
            let original = try await customers.generate(fixture.admin, contactID: "c-1")
            try await customers.delete(fixture.admin, id: original.id.lowercased, revision: original.revision)
            await #expect(throws: ReferralError.referringCustomerNotFound(original.id.lowercased)) {
                try await customers.get(fixture.admin, id: original.id.lowercased)
            }
            await #expect(throws: ReferralError.referralCodeNotFound("CCCCCCCCCCCC")) {
                try await customers.get(fixture.admin, referralCode: "CCCCCCCCCCCC")
            }
            let renewed = try await customers.generate(fixture.admin, contactID: "c-1")
            #expect(renewed.id != original.id)
            #expect(renewed.referralCode == "DDDDDDDDDDDD")
        }
    }

    @Test("deleting a referring customer keeps its friends", arguments: Backend.allCases)
    func deleteKeepsFriends(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            try await fixture.services.referringCustomers.delete(fixture.admin, id: alice.id.lowercased, revision: nil)
            let kept = try await fixture.services.referredFriends.get(fixture.admin, id: friend.id.lowercased)
            #expect(kept == friend)
        }
    }

    @Test("every change writes its outbox event in the same transaction", arguments: Backend.allCases)
    func outboxEvents(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            _ = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")  // no change, no event
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            let updated = try await fixture.services.referredFriends.update(
                fixture.admin, id: friend.id.lowercased, status: .ACTIONS_COMPLETED, revision: 1)
            try await fixture.services.referredFriends.delete(fixture.admin, id: friend.id.lowercased, revision: updated.revision)
            try await fixture.services.referringCustomers.delete(fixture.admin, id: alice.id.lowercased, revision: 1)

            let events = try await fixture.store.read { try await $0.changeEvents.list(site: fixture.site, after: nil, limit: 100) }
            #expect(
                events.map(\.eventType) == [
                    "wix.loyalty.referral.v1.program_updated",
                    "wix.loyalty.referral.v1.referring_customer_created",
                    "wix.loyalty.referral.v1.referred_friend_created",
                    // The sign-up event; the program's rewards are NOTHING, so no reward events.
                    "wix.loyalty.referral.v1.referral_event_created",
                    "wix.loyalty.referral.v1.referred_friend_updated",
                    "wix.loyalty.referral.v1.referred_friend_deleted",
                    "wix.loyalty.referral.v1.referring_customer_deleted",
                ])
            let friendEvents = events.filter { $0.entity == .referredFriend }
            #expect(friendEvents.map(\.entityEventSequence) == [1, 2, 3])
            #expect(friendEvents.allSatisfy { $0.entityID == friend.id.lowercased })
            #expect(friendEvents[1].snapshot == .referredFriend(updated))
        }
    }

    @Test("each change fans out once per wanting subscription, even to one made in the same transaction", arguments: Backend.allCases)
    func fanOutWithinTransaction(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let site = fixture.site
            let now = Date(milliseconds: 1_700_000_000_000)
            @Sendable func event(_ number: Int) -> ChangeEvent {
                let customer = ReferringCustomer(
                    id: UUIDv7.generate(), site: site, contactID: "c-\(number)", referralCode: "CODE\(number)CODE\(number)", revision: 1,
                    createdDate: now, updatedDate: now)
                return ChangeEvent(
                    id: UUIDv7.generate(), site: site, entity: .referringCustomer, slug: .created, entityID: customer.id.lowercased,
                    entityEventSequence: 1, eventTime: now, snapshot: .referringCustomer(customer))
            }
            func subscription(_ types: [String]) -> WebhookSubscription {
                WebhookSubscription(
                    id: UUIDv7.generate(), site: site, url: "https://example.com/hook", eventTypes: types, description: nil, revision: 1,
                    createdDate: now, updatedDate: now)
            }
            // Both a wildcard and the exact type: still one delivery per event.
            let both = subscription(["*", "wix.loyalty.referral.v1.referring_customer_created"])
            let other = subscription(["wix.loyalty.referral.v1.referred_friend_created"])
            let late = subscription(["wix.loyalty.referral.v1.referring_customer_created"])
            try await fixture.store.write { tx in
                try await tx.webhooks.insert(both, sealedSecret: "sealed")
                try await tx.webhooks.insert(other, sealedSecret: "sealed")
                try await tx.changeEvents.append(event(1))
                try await tx.webhooks.insert(late, sealedSecret: "sealed")
                try await tx.changeEvents.append(event(2))
                _ = try await tx.webhooks.deleteSubscription(id: both.id, site: site, at: now)
                try await tx.changeEvents.append(event(3))
            }
            let counts = try await fixture.store.read { tx in
                var counts: [Int] = []
                for subscription in [both, other, late] {
                    counts.append(
                        try await tx.webhooks.deliveries(subscriptionID: subscription.id, site: site, status: nil, limit: 10).count)
                }
                return counts
            }
            #expect(counts == [2, 0, 2])
        }
    }

    @Test("a transaction's change events are written together at its end, in order, and it reads its own", arguments: Backend.allCases)
    func outboxWrittenTogether(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let site = fixture.site
            let now = Date(milliseconds: 1_700_000_000_000)
            // More events than one outbox statement carries.
            let events = (0..<(SQLChangeEventOutbox.rowsPerInsert * 2 + 3)).map { number in
                let customer = ReferringCustomer(
                    id: UUIDv7.generate(), site: site, contactID: "c-\(number)", referralCode: "CODE\(number)CODE", revision: 1,
                    createdDate: now, updatedDate: now)
                return ChangeEvent(
                    id: UUIDv7.generate(), site: site, entity: .referringCustomer, slug: .created, entityID: customer.id.lowercased,
                    entityEventSequence: 1, eventTime: now, snapshot: .referringCustomer(customer)
                )
            }
            let seenInside = try await fixture.store.write { tx in
                for event in events.prefix(5) { try await tx.changeEvents.append(event) }
                let first = try await tx.changeEvents.list(site: site, after: nil, limit: 100)
                for event in events.dropFirst(5) { try await tx.changeEvents.append(event) }
                let found = try await tx.changeEvents.find(id: events.last!.id, site: site)
                return (first.map(\.id), found?.id)
            }
            #expect(seenInside.0 == events.prefix(5).map(\.id))
            #expect(seenInside.1 == events.last!.id)
            let stored = try await fixture.store.read { try await $0.changeEvents.list(site: site, after: nil, limit: 100) }
            #expect(stored == events)
        }
    }

    @Test("a failed transaction leaves neither the change nor its event", arguments: Backend.allCases)
    func rollback(backend: Backend) async throws {
        struct Abort: Error {}
        try await withFixture(backend) { fixture in
            let site = fixture.site
            let now = Date(milliseconds: 1_700_000_000_000)
            let customer = ReferringCustomer(
                id: UUIDv7.generate(), site: site, contactID: "ghost", referralCode: "GHOSTGHOST12", revision: 1, createdDate: now,
                updatedDate: now
            )
            await #expect(throws: Abort.self) {
                try await fixture.store.write { tx in
                    _ = try await tx.referringCustomers.insert(customer)
                    try await tx.changeEvents.append(
                        ChangeEvent(
                            id: UUIDv7.generate(), site: site, entity: .referringCustomer, slug: .created, entityID: customer.id.lowercased,
                            entityEventSequence: 1, eventTime: now, snapshot: .referringCustomer(customer)
                        )
                    )
                    throw Abort()
                }
            }
            let ghost = try await fixture.store.read { try await $0.referringCustomers.find(contactID: "ghost", site: site) }
            #expect(ghost == nil)
            let events = try await fixture.store.read { try await $0.changeEvents.list(site: site, after: nil, limit: 10) }
            #expect(events.isEmpty)
        }
    }

    @Test("concurrent writes that fail leave nothing, and the ones beside them all commit", arguments: Backend.allCases)
    func failuresAmongConcurrentWrites(backend: Backend) async throws {
        struct Abort: Error {}
        try await withFixture(backend) { fixture in
            let site = fixture.site
            let now = Date(milliseconds: 1_700_000_000_000)
            // On SQLite, concurrent writes share a COMMIT; a failing one must undo only itself.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let customer = ReferringCustomer(
                            id: UUIDv7.generate(), site: site, contactID: "batch-\(index)", referralCode: "BATCHCODE\(100 + index)",
                            revision: 1, createdDate: now, updatedDate: now
                        )
                        do {
                            try await fixture.store.write { tx in
                                _ = try await tx.referringCustomers.insert(customer)
                                if index % 2 == 1 { throw Abort() }
                            }
                            return true
                        } catch is Abort {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 20)
            for index in 0..<40 {
                let found = try await fixture.store.read { try await $0.referringCustomers.find(contactID: "batch-\(index)", site: site) }
                #expect((found != nil) == (index % 2 == 0), "contact batch-\(index)")
            }
            // Reads that fail give their connection back in a usable state.
            for _ in 0..<20 {
                await #expect(throws: Abort.self) {
                    try await fixture.store.read { tx in
                        _ = try await tx.referringCustomers.find(contactID: "batch-0", site: site)
                        throw Abort()
                    }
                }
            }
            let again = try await fixture.store.read { try await $0.referringCustomers.find(contactID: "batch-0", site: site) }
            #expect(again?.contactID == "batch-0")
        }
    }

    @Test("site statistics counted in a transaction: read back inside it, committed with it, undone with it", arguments: Backend.allCases)
    func siteCountsFollowTheirTransaction(backend: Backend) async throws {
        struct Abort: Error {}
        try await withFixture(backend) { fixture in
            let here = fixture.site
            let there = try SiteID(validating: "another-site")
            let inside = try await fixture.store.write { tx in
                try await tx.statistics.recordSignUp(site: here)
                try await tx.statistics.recordAction(site: here, amountUnits: 1_250)
                try await tx.statistics.recordAction(site: there, amountUnits: 7)
                let first = try await tx.statistics.statistics(site: here)
                // Counted after a read in the same transaction: added too.
                try await tx.statistics.recordAction(site: here, amountUnits: 50)
                return (first, try await tx.statistics.statistics(site: here))
            }
            #expect(inside.0 == ReferralStatistics(totalSignUpsCompleted: 1, totalActionsCompleted: 1, totalAmountUnits: 1_250))
            #expect(inside.1 == ReferralStatistics(totalSignUpsCompleted: 1, totalActionsCompleted: 2, totalAmountUnits: 1_300))

            // Writers of both sites at once; half of them fail after counting.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            try await fixture.store.write { tx in
                                try await tx.statistics.recordAction(site: index % 4 < 2 ? here : there, amountUnits: 100)
                                try await tx.statistics.recordSignUp(site: there)
                                if index % 2 == 1 { throw Abort() }
                            }
                        } catch is Abort {}
                    }
                }
                try await group.waitForAll()
            }
            let (mine, theirs) = try await fixture.store.read { tx in
                (try await tx.statistics.statistics(site: here), try await tx.statistics.statistics(site: there))
            }
            #expect(mine == ReferralStatistics(totalSignUpsCompleted: 1, totalActionsCompleted: 12, totalAmountUnits: 2_300))
            #expect(theirs == ReferralStatistics(totalSignUpsCompleted: 20, totalActionsCompleted: 11, totalAmountUnits: 1_007))
        }
    }

    @Test("sites never see each other's data", arguments: Backend.allCases)
    func siteIsolation(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let other = Caller(site: try SiteID(validating: "other-site"), identity: fixture.admin.identity)
            let mine = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "shared-contact")
            let theirs = try await fixture.services.referringCustomers.generate(other, contactID: "shared-contact")
            #expect(mine.id != theirs.id)
            await #expect(throws: ReferralError.self) { try await fixture.services.referringCustomers.get(other, id: mine.id.lowercased) }
            await #expect(throws: ReferralError.self) {
                try await fixture.services.referringCustomers.get(other, referralCode: mine.referralCode)
            }
            #expect(try await fixture.services.referringCustomers.query(other, nil).items.map(\.id) == [theirs.id])
        }
    }

    @Test("API keys: stored as hashes, found by hash, revocable by prefix", arguments: Backend.allCases)
    func apiKeys(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let access = fixture.services.access
            let (key, secret) = try await access.createKey(name: "shop", site: fixture.site, permissions: ["REFERRALS.READ_PROGRAM"])
            #expect(key.hash == AccessService.hash(secret))
            #expect(!key.hash.contains(secret))
            let caller = try await access.authenticate(apiKey: secret, site: fixture.site)
            #expect(caller.identity == .apiKey(id: key.id.lowercased, permissions: [.readProgram]))
            await #expect(throws: ReferralError.permissionDenied("The API key is bound to another site.")) {
                try await access.authenticate(apiKey: secret, site: try SiteID(validating: "elsewhere"))
            }
            #expect(try await access.revokeKey(key.prefix)?.id == key.id)
            await #expect(throws: ReferralError.self) { try await access.authenticate(apiKey: secret, site: fixture.site) }
            #expect(try await access.revokeKey(key.prefix) == nil)
        }
    }

    @Test(
        "a stored API key is read once per cache lifetime: revoked by another process it stops within that time, here at once",
        arguments: Backend.allCases
    )
    func apiKeyCache(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let clock = TestClock(Date())
            let generators = Generators(now: { clock.now() }, newID: Generators.live.newID, referralCode: Generators.live.referralCode)
            let server = AccessService(store: fixture.store, generators: generators, bootstrapKey: nil, keyCacheLifetime: 2)
            // The `referrals api-keys` command, or another server on the same database.
            let elsewhere = AccessService(store: fixture.store, generators: generators, bootstrapKey: nil)

            // A key unknown to the server when first tried works as soon as it exists: misses are not kept.
            let (key, secret) = try await elsewhere.createKey(name: "shop", site: nil, permissions: ["REFERRALS.READ_PROGRAM"])
            let other = try await elsewhere.createKey(name: "other", site: nil, permissions: [])
            #expect(try await elsewhere.revokeKey(other.key.id.lowercased) != nil)
            await #expect(throws: ReferralError.self) { try await server.authenticate(apiKey: secret + "x", site: fixture.site) }
            let expected = Caller(site: fixture.site, identity: .apiKey(id: key.id.lowercased, permissions: [.readProgram]))
            #expect(try await server.authenticate(apiKey: secret, site: fixture.site) == expected)
            await #expect(throws: ReferralError.unauthenticated("The API key is unknown or was revoked.")) {
                try await server.authenticate(apiKey: other.secret, site: fixture.site)
            }

            // Revoked elsewhere: this server still trusts what it read until the lifetime has passed.
            #expect(try await elsewhere.revokeKey(key.prefix)?.id == key.id)
            clock.advance(by: 1.5)
            #expect(try await server.authenticate(apiKey: secret, site: fixture.site) == expected)
            await #expect(throws: ReferralError.permissionDenied("The API key is bound to another site.")) {
                let bound = try await server.createKey(name: "bound", site: fixture.site, permissions: [])
                _ = try await server.authenticate(apiKey: bound.secret, site: try SiteID(validating: "elsewhere"))
            }
            clock.advance(by: 0.5)
            await #expect(throws: ReferralError.unauthenticated("The API key is unknown or was revoked.")) {
                try await server.authenticate(apiKey: secret, site: fixture.site)
            }

            // Revoked through the server itself: at once.
            let (third, thirdSecret) = try await server.createKey(name: "third", site: nil, permissions: [])
            _ = try await server.authenticate(apiKey: thirdSecret, site: fixture.site)
            #expect(try await server.revokeKey(third.id.lowercased) != nil)
            await #expect(throws: ReferralError.self) { try await server.authenticate(apiKey: thirdSecret, site: fixture.site) }
        }
    }

    @Test("a generated secret is created once and then kept", arguments: Backend.allCases)
    func storedSecrets(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let first = try await fixture.services.access.storedSecret(named: "token_secret")
            let second = try await fixture.services.access.storedSecret(named: "token_secret")
            #expect(first == second)
            #expect(first.count >= 32)
        }
    }

    @Test("migrations are idempotent and data survives reopening the store", arguments: Backend.allCases)
    func reopen(backend: Backend) async throws {
        let fixture = try await StoreFixture.make(backend)
        let customer = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "durable")
        try await fixture.store.close()
        let reopened = try await fixture.database.openStore()
        let location = fixture.database.location
        #expect(try await StoreFactory.migrate(location, logger: TestDatabase.quietLogger) == [1, 2, 3, 4])
        let found = try await reopened.read { try await $0.referringCustomers.find(contactID: "durable", site: fixture.site) }
        #expect(found == customer)
        try await reopened.close()
        await fixture.database.drop()
    }

    @Test("a database whose schema is behind this build is refused without --migrate", arguments: Backend.allCases)
    func schemaBehind(backend: Backend) async throws {
        let database = try await TestDatabase.make(backend.testBackend)
        await #expect(throws: ReferralError.self) {
            let store = try await StoreFactory.open(database.location, migrate: false, logger: TestDatabase.quietLogger)
            try? await store.close()
        }
        await database.drop()
    }
}
