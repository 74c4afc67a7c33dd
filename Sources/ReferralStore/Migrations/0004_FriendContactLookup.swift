/// 0004: a covering index for the referred friend by contact, on SQLite.
///
/// That lookup runs on every reported action (twice: once to answer a repeated order id
/// without the writer, once in the write) and behind `GET /v1/referred-friends/contact/…`.
/// Through the unique contact index it reads two pages at random places, the index leaf and
/// the table row; this index holds every column the lookup returns, so it reads one. With the
/// data in the page cache that saves little, but at ten times the benchmark's data it halves
/// the disk reads of the lookup (6.7–7.1k → 12.8–13.1k lookups/s, p50 4.2–4.7 → 2.1 ms, in
/// alternated runs that each started with the page cache dropped). SQLite has no `INCLUDE`,
/// so the unique index stays for the constraint and the lookup names this one (`INDEXED BY`).
/// Its entry changes with the friend's status, one more leaf for a status change to write;
/// new friends and new orders measured the same with it.
///
/// PostgreSQL keeps its unique index: covering columns there would make every status change
/// a non-HOT update that rewrites all of the table's index entries, and its shared buffers,
/// not the OS page cache, hold the hot pages.
enum Migration0004 {
    static let indexName = "referred_friends_contact_lookup"

    static let migration = Migration(
        version: 4,
        reason: "a covering index for the referred friend by contact (SQLite)"
    ) { dialect in
        switch dialect {
        case .sqlite:
            [
                """
                CREATE INDEX \(indexName) ON referred_friends
                    (site_id, contact_id, id, referring_customer_id, status, revision, created_at, updated_at, deleted_at)
                WHERE deleted_at IS NULL
                """
            ]
        case .postgres:
            []
        }
    }
}
