import Foundation
import ReferralCore
import SQLKit
import Synchronization

struct SQLProgramRepository: ProgramRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    func find(site: SiteID) async throws -> ReferralProgram? {
        guard
            let row = try await db.statement(
                "SELECT site_id, status, settings, revision, created_at, updated_at FROM referral_programs WHERE site_id = \(bind: site.rawValue)"
            ).first()
        else { return nil }
        return ReferralProgram(
            site: try dialect.site(row),
            settings: try ProgramSettingsCache.decode(try row.string("settings")),
            status: ProgramStatus(rawValue: try row.string("status")) ?? .UNKNOWN,
            revision: try row.int64("revision"),
            createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }

    func insertIfAbsent(_ program: ReferralProgram) async throws {
        try await db.statement(
            """
            INSERT INTO referral_programs (site_id, status, settings, revision, created_at, updated_at)
            VALUES (\(bind: program.site.rawValue), \(bind: program.status.rawValue), \(bind: try StoredJSON.encode(program.settings)),
                    \(bind: program.revision), \(bind: dialect.bind(program.createdDate)), \(bind: dialect.bind(program.updatedDate)))
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    func update(_ program: ReferralProgram, expectedRevision: Int64) async throws -> Bool {
        let rows = try await db.statement(
            """
            UPDATE referral_programs
            SET status = \(bind: program.status.rawValue), settings = \(bind: try StoredJSON.encode(program.settings)),
                revision = \(bind: program.revision), updated_at = \(bind: dialect.bind(program.updatedDate))
            WHERE site_id = \(bind: program.site.rawValue) AND revision = \(bind: expectedRevision)
            RETURNING revision
            """
        ).all()
        return !rows.isEmpty
    }
}

/// Decoded program settings by their stored JSON text. Every request that applies a program's
/// rules reads the program, and decoding its JSON was a visible share of those requests; the
/// text is the key, so a changed program is simply a new entry.
enum ProgramSettingsCache {
    /// Past this many entries the cache starts over (one entry per site and program revision).
    static let limit = 1024
    private static let entries = Mutex<[String: ProgramSettings]>([:])

    static func decode(_ text: String) throws -> ProgramSettings {
        if let hit = entries.withLock({ $0[text] }) { return hit }
        let settings = try StoredJSON.decode(ProgramSettings.self, from: text)
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[text] = settings
        }
        return settings
    }
}
