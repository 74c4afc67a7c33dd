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

    /// The entries, and how many removals there have been: a lookup that began before a
    /// removal may have read the key as it was before, so its entry is not kept.
    private struct State {
        var entries: [String: Entry] = [:]
        var removals: UInt64 = 0
    }

    let lifetime: TimeInterval
    let capacity: Int
    private let state = Mutex(State())

    init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = max(0, lifetime)
        self.capacity = max(1, capacity)
    }

    /// The entry for `hash` if it was fetched within `lifetime` before `now`. A clock that
    /// went back past an entry's fetch time counts as expired too.
    func entry(hash: String, now: Date) -> Entry? {
        guard lifetime > 0 else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[hash] else { return nil }
            guard isFresh(entry, now: now) else {
                state.entries[hash] = nil
                return nil
            }
            return entry
        }
    }

    /// Taken before reading a key from the store, and handed to `store(_:readSince:)`.
    var removals: UInt64 { state.withLock { $0.removals } }

    /// Keeps `entry`, read from the store after `removals` was taken, unless an entry was
    /// removed since: that read may predate the change the removal stands for.
    func store(_ entry: Entry, readSince removals: UInt64) {
        guard lifetime > 0 else { return }
        state.withLock { state in
            guard state.removals == removals else { return }
            if state.entries[entry.key.hash] == nil && state.entries.count >= capacity {
                state.entries = state.entries.filter { isFresh($0.value, now: entry.fetched) }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[entry.key.hash] = entry
        }
    }

    func remove(hash: String) {
        state.withLock { state in
            state.entries[hash] = nil
            state.removals &+= 1
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    private func isFresh(_ entry: Entry, now: Date) -> Bool {
        now >= entry.fetched && now.timeIntervalSince(entry.fetched) < lifetime
    }
}
