import Foundation
import ReferralTestSupport
import Testing

/// `referrals export` from SQLite and `referrals import` into this pass's database (PostgreSQL
/// in the PostgreSQL pass): the imported deployment answers exactly as the original did.
@Suite("Moving data between databases", .serialized)
struct DataTransferTests {
    /// Runs the `referrals` executable to completion; returns its exit status and standard output.
    func referrals(_ arguments: [String]) throws -> (Int32, String) {
        let process = try ChildProcess(
            executable: LiveServer.binary.path, arguments: arguments, environment: ProcessInfo.processInfo.environment)
        let data = process.standardOutput.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// What a deployment shows through its API, for comparing two of them.
    func snapshot(_ server: LiveServer) async throws -> [String] {
        var views: [String] = []
        for (method, path, body) in [
            ("GET", "/_api/referral-programs/v1/program", nil),
            ("POST", "/v1/referring-customers/query", #"{"query":{"sort":[{"fieldName":"contactId"}]}}"#),
            ("POST", "/v1/referred-friends/query", #"{}"#),
            ("POST", "/v1/referral-rewards/query", #"{}"#),
            ("POST", "/v1/referral-events/query", #"{"query":{"cursorPaging":{"limit":100}}}"#),
            ("GET", "/_api/referral-tracker/v1/referral-statistics", nil),
            ("POST", "/_api/referral-tracker/v1/referring-customer-totals/query", #"{}"#),
            ("POST", "/_api/referral-tracker/v1/referred-friend-actions/query", #"{}"#),
        ] as [(String, String, String?)] {
            var (status, json) = try await server.call(method, path, body: body)
            #expect(status == 200, "\(path)")
            // Cursors are signed with each deployment's own key; compare the items.
            json["metadata"] = nil
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            views.append(String(decoding: data, as: UTF8.self))
        }
        return views
    }

    @Test("export from SQLite, import elsewhere: the same data, the same answers, and a rerun inserts nothing")
    func exportImport() async throws {
        let source = try await TestDatabase.make(.sqlite)
        let server = try LiveServer(database: source.argument)
        let (_, program) = try await server.call("GET", "/_api/referral-programs/v1/program")
        let revision = try #require((program["referralProgram"] as? [String: Any])?["revision"] as? String)
        _ = try await server.call(
            "PATCH", "/_api/referral-programs/v1/program",
            body: #"""
                {"referralProgram":{"revision":"\#(revision)","name":"Moving day","status":"ACTIVE","successfulReferralActions":["STORE_ORDER_PLACED"],
                "referredFriendReward":{"type":"COUPON","couponOptions":{"discountType":"FIXED_AMOUNT","fixedAmountOptions":{"amount":5}}},
                "referringCustomerReward":{"type":"LOYALTY_POINTS","loyaltyPointsOptions":{"amount":50}}}}
                """#
        )
        for index in 0..<5 {
            let (_, customer) = try await server.call("POST", "/v1/referring-customers", body: #"{"contactId":"referrer-\#(index)"}"#)
            let id = try #require((customer["referringCustomer"] as? [String: Any])?["id"] as? String)
            _ = try await server.call(
                "POST", "/v1/referred-friends", body: #"{"referredFriend":{"contactId":"friend-\#(index)","referringCustomerId":"\#(id)"}}"#
            )
            _ = try await server.call(
                "POST", "/v1/referral-events",
                body:
                    #"{"referralEvent":{"actionEvent":{"contactId":"friend-\#(index)","trigger":{"activityType":"STORE_ORDER_PLACED"},"amount":"12.34","orderId":"order-\#(index)"}}}"#
            )
        }
        let before = try await snapshot(server)
        #expect(server.terminate() == 0)

        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).jsonl").path
        let (exported, _) = try referrals(["export", "--database", source.argument, "--output", dump])
        #expect(exported == 0)

        try await withLiveDatabase { target in
            let (imported, summary) = try referrals(["import", "--database", target.argument, "--input", dump])
            #expect(imported == 0)
            #expect(summary.contains("imported"))
            let moved = try LiveServer(database: target.argument)
            #expect(try await snapshot(moved) == before)
            #expect(moved.terminate() == 0)

            let (again, rerun) = try referrals(["import", "--database", target.argument, "--input", dump])
            #expect(again == 0)
            #expect(rerun.hasPrefix("imported 0 rows"))
        }
        try? FileManager.default.removeItem(atPath: dump)
        await source.drop()
    }
}
