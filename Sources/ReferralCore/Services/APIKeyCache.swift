import Foundation
import Synchronization

/// Stored API keys this process looked up recently, by hash, so that a request made with one
/// costs no database read: that read (a read transaction of its own) added about a third to
/// the CPU a lookup request costs the server.
///
/// An entry lives for `lifetime`, so a key revoked by another process (the `referrals
/// api-keys revoke` command, another server on the same PostgreSQL database) stops working
/// on this server within that time; `AccessService.revokeKey` drops its entry at once. Only
/// keys found in the store are kept, revoked ones included, so guessed keys can't fill the
/// cache; at `capacity` the expired entries go first and then, if that is not enough, all of
/// them.
final class APIKeyCache: Sendable {
    struct Entry: Sendable {
        let key: APIKey
        let permissions: Set<Permission>
        let fetched: Date
    }

    let lifetime: TimeInterval
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = max(0, lifetime)
        self.capacity = max(1, capacity)
    }

    /// The entry for `hash` if it was fetched within `lifetime` before `now`. A clock that
    /// went back past an entry's fetch time counts as expired too.
    func entry(hash: String, now: Date) -> Entry? {
        guard lifetime > 0 else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard isFresh(entry, now: now) else {
                entries[hash] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ entry: Entry) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            if entries[entry.key.hash] == nil && entries.count >= capacity {
                entries = entries.filter { isFresh($0.value, now: entry.fetched) }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[entry.key.hash] = entry
        }
    }

    func remove(hash: String) {
        _ = entries.withLock { $0.removeValue(forKey: hash) }
    }

    var count: Int { entries.withLock { $0.count } }

    private func isFresh(_ entry: Entry, now: Date) -> Bool {
        now >= entry.fetched && now.timeIntervalSince(entry.fetched) < lifetime
    }
}
