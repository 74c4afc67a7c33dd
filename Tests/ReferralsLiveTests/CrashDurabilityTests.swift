import Foundation
import ReferralTestSupport
import Testing

/// Starts the real executable, writes, kills it with SIGKILL, restarts it and finds every
/// acknowledged write: an acknowledged write survives a crash of the server process.
@Suite("Live server", .serialized)
struct CrashDurabilityTests {
    /// On SQLite, under both durability settings: NORMAL skips the fsync at commit but must
    /// still survive a crash of the process (PostgreSQL ignores the setting).
    @Test("every acknowledged write survives kill -9", arguments: ["full", "normal"])
    func survivesKill9(synchronous: String) async throws {
        let environment = ["REFERRALS_SQLITE_SYNCHRONOUS": synchronous]
        try await withLiveDatabase { database in
            let server = try LiveServer(database: database.argument, environment: environment)
            let (status, programBody) = try await server.call("GET", "/_api/referral-programs/v1/program")
            #expect(status == 200)
            let revision = try #require((programBody["referralProgram"] as? [String: Any])?["revision"] as? String)
            let (activated, _) = try await server.call(
                "PATCH", "/_api/referral-programs/v1/program",
                body:
                    #"{"referralProgram":{"revision":"\#(revision)","successfulReferralActions":["STORE_ORDER_PLACED"],"status":"ACTIVE"}}"#
            )
            #expect(activated == 200)

            // Concurrent writes; remember only what the server acknowledged.
            let acknowledged = try await withThrowingTaskGroup(of: (String, String)?.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        let (status, body) = try await server.call(
                            "POST", "/v1/referring-customers", body: #"{"contactId":"live-contact-\#(index)"}"#
                        )
                        guard status == 200, let customer = body["referringCustomer"] as? [String: Any] else { return nil }
                        return (customer["id"] as? String ?? "", customer["referralCode"] as? String ?? "")
                    }
                }
                return try await group.reduce(into: [String: String]()) { result, pair in
                    if let (id, code) = pair { result[id] = code }
                }
            }
            #expect(acknowledged.count == 60)
            var friendIDs: [String] = []
            for (index, customerID) in acknowledged.keys.sorted().prefix(10).enumerated() {
                let (status, body) = try await server.call(
                    "POST", "/v1/referred-friends",
                    body: #"{"referredFriend":{"contactId":"live-friend-\#(index)","referringCustomerId":"\#(customerID)"}}"#
                )
                #expect(status == 200)
                if let id = (body["referredFriend"] as? [String: Any])?["id"] as? String { friendIDs.append(id) }
            }

            server.kill9()
            let restarted = try LiveServer(database: database.argument, environment: environment)

            let (_, program) = try await restarted.call("GET", "/_api/referral-programs/v1/program")
            #expect((program["referralProgram"] as? [String: Any])?["status"] as? String == "ACTIVE")
            for (id, code) in acknowledged {
                let (status, body) = try await restarted.call("GET", "/v1/referring-customers/\(id)")
                #expect(status == 200, "referring customer \(id) was lost")
                #expect((body["referringCustomer"] as? [String: Any])?["referralCode"] as? String == code)
            }
            for id in friendIDs {
                let (status, _) = try await restarted.call("GET", "/v1/referred-friends/\(id)")
                #expect(status == 200, "referred friend \(id) was lost")
            }
            #expect(restarted.terminate() == 0)
        }
    }

    @Test("SIGTERM shuts down gracefully and the data is there on the next start")
    func gracefulShutdown() async throws {
        try await withLiveDatabase { database in
            let server = try LiveServer(database: database.argument)
            let (status, body) = try await server.call(
                "POST", "/referral-customers/v1/referring-customers", body: #"{"contactId":"graceful"}"#
            )
            #expect(status == 200)
            let id = try #require((body["referringCustomer"] as? [String: Any])?["id"] as? String)
            #expect(server.terminate() == 0)

            let again = try LiveServer(database: database.argument)
            let (found, _) = try await again.call("GET", "/referral-customers/v1/referring-customers/\(id)")
            #expect(found == 200)
            let (health, _) = try await again.call("GET", "/readyz")
            #expect(health == 200)
            #expect(again.terminate() == 0)
        }
    }
}
