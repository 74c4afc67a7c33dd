import Foundation
import ReferralCore
import Testing

/// Concurrent HTTP calls for the same contact still make exactly one record (SPEC §4).
@Suite("Concurrent requests")
struct ConcurrentRequestTests {
    static let parallelism = 8

    @Test("concurrent generates for one contact all return the same referring customer", arguments: Paths.customerBases)
    func concurrentGenerate(base: String) async throws {
        try await withAPI { _, api in
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<Self.parallelism {
                    group.addTask { try await api.post(base, #"{"contactId": "contact-1"}"#) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == Self.parallelism)
            for response in responses { expectOK(response) }
            let ids = Set(responses.compactMap { $0.json["referringCustomer"].string("id") })
            let codes = Set(responses.compactMap { $0.json["referringCustomer"].string("referralCode") })
            #expect(ids.count == 1)
            #expect(codes.count == 1)

            let all = try await api.post(base + "/query", "{}")
            #expect(all.json["referringCustomers"]?.arrayValue?.count == 1)
        }
    }

    @Test("concurrent redemptions by one member make one referred friend", arguments: Paths.friendBases)
    func concurrentRedeem(base: String) async throws {
        try await withAPI { harness, api in
            try await Given.activeProgram(api)
            let code = try #require(try await Given.referringCustomer(api, contact: "referrer-1").string("referralCode"))
            let member = try await harness.member("friend-1", referralCode: code)
            let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<Self.parallelism {
                    group.addTask { try await api.post(base, "{}", auth: member) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for response in responses { expectOK(response) }
            let ids = Set(responses.compactMap { $0.json["referredFriend"].string("id") })
            #expect(ids.count == 1)
            let all = try await api.post(base + "/query", #"{"query": {"filter": {"contactId": "friend-1"}}}"#)
            #expect(all.json["referredFriends"]?.arrayValue?.count == 1)
        }
    }
}
