import Foundation
import Testing

@testable import ReferralCore

@Suite("API key cache")
struct APIKeyCacheTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func entry(_ name: String, fetched: Date, revoked: Bool = false) -> APIKeyCache.Entry {
        let key = APIKey(
            id: UUID(), name: name, prefix: "rfk_\(name)", hash: AccessService.hash(name), site: nil,
            permissions: ["REFERRALS.READ_PROGRAM"],
            createdDate: fetched, revokedDate: revoked ? fetched : nil
        )
        return APIKeyCache.Entry(key: key, permissions: [.readProgram], fetched: fetched)
    }

    @Test("an entry is served for its lifetime, then dropped")
    func lifetime() {
        let cache = APIKeyCache(lifetime: 1, capacity: 8)
        let stored = entry("a", fetched: start)
        cache.store(stored, readSince: cache.removals)
        #expect(cache.entry(hash: stored.key.hash, now: start)?.key == stored.key)
        #expect(cache.entry(hash: stored.key.hash, now: start.addingTimeInterval(0.999))?.permissions == [.readProgram])
        #expect(cache.entry(hash: stored.key.hash, now: start.addingTimeInterval(1)) == nil)
        #expect(cache.count == 0)
        #expect(cache.entry(hash: AccessService.hash("never stored"), now: start) == nil)
    }

    @Test("a clock that went back before the fetch does not keep an entry alive")
    func clockGoingBack() {
        let cache = APIKeyCache(lifetime: 60, capacity: 8)
        let stored = entry("a", fetched: start)
        cache.store(stored, readSince: cache.removals)
        #expect(cache.entry(hash: stored.key.hash, now: start.addingTimeInterval(-5)) == nil)
    }

    @Test("a removed entry is gone at once; lifetime 0 keeps nothing")
    func removalAndDisabled() {
        let cache = APIKeyCache(lifetime: 1, capacity: 8)
        let stored = entry("a", fetched: start)
        cache.store(stored, readSince: cache.removals)
        cache.remove(hash: stored.key.hash)
        #expect(cache.entry(hash: stored.key.hash, now: start) == nil)

        let disabled = APIKeyCache(lifetime: 0, capacity: 8)
        disabled.store(stored, readSince: 0)
        #expect(disabled.count == 0)
        #expect(disabled.entry(hash: stored.key.hash, now: start) == nil)
    }

    @Test("a lookup that began before a removal is not kept: it may have read the key before its revocation")
    func removalDuringLookup() {
        let cache = APIKeyCache(lifetime: 1, capacity: 8)
        let before = cache.removals
        // Meanwhile the key is revoked and its entry (or another) removed.
        cache.remove(hash: AccessService.hash("a"))
        let stale = entry("a", fetched: start)
        cache.store(stale, readSince: before)
        #expect(cache.entry(hash: stale.key.hash, now: start) == nil)
        cache.store(stale, readSince: cache.removals)
        #expect(cache.entry(hash: stale.key.hash, now: start) != nil)
    }

    @Test("at capacity the expired entries go first, then all of them; never more than capacity")
    func capacity() {
        let cache = APIKeyCache(lifetime: 10, capacity: 3)
        let old = entry("old", fetched: start)
        cache.store(old, readSince: cache.removals)
        let fresh = (0..<2).map { entry("fresh-\($0)", fetched: start.addingTimeInterval(8)) }
        for entry in fresh { cache.store(entry, readSince: cache.removals) }
        #expect(cache.count == 3)

        // At 12 s the first entry has expired: it makes room, the fresh ones stay.
        let later = entry("later", fetched: start.addingTimeInterval(12))
        cache.store(later, readSince: cache.removals)
        #expect(cache.count == 3)
        #expect(cache.entry(hash: old.key.hash, now: later.fetched) == nil)
        for kept in fresh + [later] { #expect(cache.entry(hash: kept.key.hash, now: later.fetched) != nil) }

        // Nothing has expired: the cache starts over rather than grow.
        let overflow = entry("overflow", fetched: start.addingTimeInterval(13))
        cache.store(overflow, readSince: cache.removals)
        #expect(cache.count == 1)
        #expect(cache.entry(hash: overflow.key.hash, now: overflow.fetched) != nil)

        // Storing a key already present replaces it without evicting anything.
        cache.store(entry("fresh-0", fetched: start.addingTimeInterval(13)), readSince: cache.removals)
        cache.store(entry("fresh-1", fetched: start.addingTimeInterval(13)), readSince: cache.removals)
        cache.store(entry("fresh-1", fetched: start.addingTimeInterval(14), revoked: true), readSince: cache.removals)
        #expect(cache.count == 3)
        #expect(cache.entry(hash: AccessService.hash("fresh-1"), now: start.addingTimeInterval(14))?.key.revokedDate != nil)
    }
}
