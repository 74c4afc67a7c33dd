import Hummingbird
import ReferralCore

/// `/healthz` (the process answers) and `/readyz` (the database answers). No credential needed.
struct HealthRoutes {
    struct Status: Encodable, Sendable {
        var status: String
    }

    let store: any ReferralStore

    func register(on router: Router<ReferralRequestContext>) {
        router.get("/healthz") { _, _ in
            WireJSON.response(Status(status: "ok"))
        }
        router.get("/readyz") { _, context in
            do {
                try await store.ping()
                return WireJSON.response(Status(status: "ready"))
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return WireJSON.response(Status(status: "database unreachable"), status: .serviceUnavailable)
            }
        }
    }
}
