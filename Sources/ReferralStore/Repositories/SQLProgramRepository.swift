import Foundation
import ReferralCore
import SQLKit

struct SQLProgramRepository: ProgramRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    func find(site: SiteID) async throws -> ReferralProgram? {
        guard
            let row = try await db.raw(
                "SELECT site_id, status, settings, revision, created_at, updated_at FROM referral_programs WHERE site_id = \(bind: site.rawValue)"
            ).first()
        else { return nil }
        return ReferralProgram(
            site: try dialect.site(row),
            settings: try StoredJSON.decode(ProgramSettings.self, from: try row.string("settings")),
            status: ProgramStatus(rawValue: try row.string("status")) ?? .UNKNOWN,
            revision: try row.int64("revision"),
            createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }

    func insertIfAbsent(_ program: ReferralProgram) async throws {
        try await db.raw(
            """
            INSERT INTO referral_programs (site_id, status, settings, revision, created_at, updated_at)
            VALUES (\(bind: program.site.rawValue), \(bind: program.status.rawValue), \(bind: try StoredJSON.encode(program.settings)),
                    \(bind: program.revision), \(bind: dialect.bind(program.createdDate)), \(bind: dialect.bind(program.updatedDate)))
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    func update(_ program: ReferralProgram, expectedRevision: Int64) async throws -> Bool {
        let rows = try await db.raw(
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
