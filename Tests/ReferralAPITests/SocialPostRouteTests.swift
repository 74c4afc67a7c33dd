import Foundation
import ReferralAPI
import ReferralCore
import Testing

/// Generate AI Social Media Posts Suggestions (SPEC §4 Program): GET shows the last stored set,
/// POST makes a new one from the program's rewards and the topic.
@Suite("Social post suggestions")
struct SocialPostRouteTests {
    static func suggestions(_ response: APIResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        expectOK(response, sourceLocation: sourceLocation)
        let posts = try #require(response.json["suggestions"]?.arrayValue, sourceLocation: sourceLocation)
        #expect(!posts.isEmpty, sourceLocation: sourceLocation)
        for post in posts {
            #expect(post.string("postContent")?.isEmpty == false, "\(post)", sourceLocation: sourceLocation)
            let hashtags = post["hashtags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(!hashtags.isEmpty, "\(post)", sourceLocation: sourceLocation)
            #expect(hashtags.allSatisfy { $0.hasPrefix("#") && $0.count > 1 }, "\(post)", sourceLocation: sourceLocation)
            #expect(post.objectValue.map { Set($0.keys) } == ["postContent", "hashtags"], sourceLocation: sourceLocation)
        }
        return posts
    }

    @Test("GET returns suggestions and the same set on a second GET")
    func getIsStable() async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let first = try await api.get(TrackerPaths.socialPosts)
            let posts = try Self.suggestions(first)
            #expect(first.json["referFriendsPageUrl"] == nil, "no refer-friends URL is configured")
            let second = try await api.get(TrackerPaths.socialPosts)
            #expect(try Self.suggestions(second) == posts)
        }
    }

    @Test("POST with a topic makes posts selling the friend's reward with the topic's hashtag; GET then shows them")
    func postWithTopic() async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let before = try Self.suggestions(try await api.get(TrackerPaths.socialPosts))

            let generated = try Self.suggestions(try await api.post(TrackerPaths.socialPosts, #"{"topic": "fitness"}"#))
            for post in generated {
                #expect(post.string("postContent")?.contains("10% off") == true, "\(post)")
                #expect(post["hashtags"]?.arrayValue?.contains(.string("#fitness")) == true, "\(post)")
            }
            #expect(generated != before)
            let stored = try Self.suggestions(try await api.get(TrackerPaths.socialPosts))
            #expect(stored == generated)
        }
    }

    @Test("POST follows the program's current rewards")
    func followsProgram() async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api, friendReward: Rewards.referrerPoints)
            let points = try Self.suggestions(try await api.post(TrackerPaths.socialPosts, "{}"))
            #expect(points.allSatisfy { $0.string("postContent")?.contains("100 loyalty points") == true }, "\(points)")
            #expect(points.allSatisfy { $0.string("postContent")?.contains("10% off") == false })
        }
    }

    @Test("a configured refer-friends URL is returned with the site filled in")
    func referFriendsURL() async throws {
        try await withConfiguredAPI({ $0.referFriendsURL = "https://shop.example/{site}/refer" }) { _, api in
            try await Given.rewardingProgram(api)
            let got = try await api.get(TrackerPaths.socialPosts)
            _ = try Self.suggestions(got)
            #expect(got.json.string("referFriendsPageUrl") == "https://shop.example/default/refer")
            let posted = try await api.post(TrackerPaths.socialPosts, #"{"topic": "yoga"}"#)
            _ = try Self.suggestions(posted)
            #expect(posted.json.string("referFriendsPageUrl") == "https://shop.example/default/refer")
            let elsewhere = try await api.get(TrackerPaths.socialPosts, site: "shop-2")
            _ = try Self.suggestions(elsewhere)
            #expect(elsewhere.json.string("referFriendsPageUrl") == "https://shop.example/shop-2/refer")
        }
    }

    @Test("members, visitors and keys without MANAGE_PROGRAM are 403")
    func permissions() async throws {
        try await withAPI { harness, api in
            try await Given.rewardingProgram(api)
            let member = try await harness.member("referrer-1")
            expectError(try await api.get(TrackerPaths.socialPosts, auth: member), 403, code: "PERMISSION_DENIED")
            expectError(
                try await api.post(TrackerPaths.socialPosts, #"{"topic": "fitness"}"#, auth: member), 403, code: "PERMISSION_DENIED")
            let visitor = try await harness.visitor("visitor-1")
            expectError(try await api.get(TrackerPaths.socialPosts, auth: visitor), 403, code: "PERMISSION_DENIED")
            let reader = try await harness.apiKey(permissions: [.readProgram]).secret
            expectError(try await api.post(TrackerPaths.socialPosts, "{}", auth: "Bearer \(reader)"), 403, code: "PERMISSION_DENIED")
            let manager = try await harness.apiKey(permissions: [.manageProgram]).secret
            _ = try Self.suggestions(try await api.post(TrackerPaths.socialPosts, "{}", auth: "Bearer \(manager)"))
        }
    }
}
