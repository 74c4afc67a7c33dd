import Foundation
import Logging
import ReferralCore
import ReferralStore
import Testing

/// The storage backends the contract suite runs on. Every test takes one as an argument, so a
/// new backend joins every contract test by being added here.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }
}

/// A fresh, migrated store and the services over it.
struct StoreFixture: Sendable {
    let store: any ReferralStore
    let services: ReferralServices
    let site: SiteID
    let admin: Caller
    let path: String

    static func make(_ backend: Backend, generators: Generators = .live) async throws -> StoreFixture {
        var logger = Logger(label: "store-tests")
        logger.logLevel = .warning
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-\(UUID().uuidString).sqlite").path
            let store = try await SQLiteReferralStore.open(path: path, logger: logger)
            try await store.migrate()
            let site = try SiteID(validating: "contract-site")
            let services = ReferralServices(
                store: store, generators: generators, cursors: CursorCodec(key: Array("contract-key".utf8)),
                access: AccessService(store: store, generators: generators, bootstrapKey: nil)
            )
            return StoreFixture(
                store: store, services: services, site: site,
                admin: Caller(site: site, identity: .apiKey(id: "test", permissions: Set(Permission.allCases))), path: path
            )
        }
    }

    func member(_ contactID: String, code: String? = nil) -> Caller {
        Caller(site: site, identity: .member(contactID: contactID, referralCode: code))
    }

    /// An active program, so that friends can sign up.
    func activateProgram() async throws {
        let program = try await services.programs.get(admin)
        _ = try await services.programs.update(
            admin, ProgramUpdate(revision: program.revision, successfulReferralActions: [.STORE_ORDER_PLACED], status: .ACTIVE)
        )
    }

    func close() async {
        try? await store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// Runs `body` on a fresh fixture and always closes it.
func withFixture(
    _ backend: Backend, generators: Generators = .live, _ body: (StoreFixture) async throws -> Void
) async throws {
    let fixture = try await StoreFixture.make(backend, generators: generators)
    do {
        try await body(fixture)
        await fixture.close()
    } catch {
        await fixture.close()
        throw error
    }
}
