import Foundation
import Logging
import ReferralCore
import ReferralStore
import ReferralTestSupport
import Testing

/// The storage backend of this test pass. Every contract test takes it as an argument, so the
/// same tests run on SQLite (`swift test`) and on PostgreSQL (`REFERRALS_TEST_BACKEND=postgres`,
/// which scripts/test sets for its second pass).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var allCases: [Backend] { [TestBackend.current == .postgres ? .postgres : .sqlite] }

    var testBackend: TestBackend { self == .postgres ? .postgres : .sqlite }
    var testDescription: String { rawValue }
}

/// A fresh, migrated store and the services over it.
struct StoreFixture: Sendable {
    let store: any ReferralStore
    let services: ReferralServices
    let site: SiteID
    let admin: Caller
    let database: TestDatabase

    static func make(_ backend: Backend, generators: Generators = .live) async throws -> StoreFixture {
        let database = try await TestDatabase.make(backend.testBackend)
        let store: any ReferralStore
        do {
            store = try await database.openStore()
        } catch {
            await database.drop()
            throw error
        }
        let site = try SiteID(validating: "contract-site")
        let services = ReferralServices(
            store: store, generators: generators, cursors: CursorCodec(key: Array("contract-key".utf8)),
            access: AccessService(store: store, generators: generators, bootstrapKey: nil),
            secrets: SecretBox(keyMaterial: "contract-webhook-key")
        )
        return StoreFixture(
            store: store, services: services, site: site,
            admin: Caller(site: site, identity: .apiKey(id: "test", permissions: Set(Permission.allCases))), database: database
        )
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
        await database.drop()
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
