import ReferralTestSupport
import Testing

@testable import ReferralCore

/// Rewards and programs shared by the tests.
enum Social {
    static func coupon(
        _ type: DiscountType, _ value: Double? = nil, scope: String? = nil, minimum: Double? = nil,
        cycles: Int? = nil, name: String? = nil
    ) -> Reward {
        Reward(
            type: .COUPON,
            coupon: CouponSpecification(
                name: name, discountType: type,
                fixedAmount: type == .FIXED_AMOUNT ? value : nil, percentage: type == .PERCENTAGE ? value : nil,
                minimumSubtotal: minimum, scope: scope.map { CouponScope(namespace: $0) }, discountedCycleCount: cycles))
    }

    static func points(_ count: Int?) -> Reward { Reward(type: .LOYALTY_POINTS, loyaltyPoints: count) }

    static let percentFriend = ProgramSettings(
        name: "Share the love", referredFriendReward: coupon(.PERCENTAGE, 15, scope: "stores", name: "INTERNAL-LABEL-42"),
        referringCustomerReward: points(100))
    static let shippingFriend = ProgramSettings(referredFriendReward: coupon(.FREE_SHIPPING, minimum: 50))
    static let pointsBoth = ProgramSettings(referredFriendReward: points(1), referringCustomerReward: points(250))
    static let nothing = ProgramSettings(name: "Friends & Family")
    static let sharerOnly = ProgramSettings(referringCustomerReward: points(100))
    /// Every optional part at its longest, to prove the 280-character limit holds.
    static let longest = ProgramSettings(
        name: String(repeating: "Spring Referral Program ", count: 2).trimmingSuffix(),
        referredFriendReward: coupon(.FIXED_AMOUNT, 123_456_789.25, scope: "pricingPlans", cycles: 999),
        referringCustomerReward: coupon(.PERCENTAGE, 99.99, minimum: 987_654_321.75))
    static let programs = [percentFriend, shippingFriend, pointsBoth, nothing, sharerOnly, longest]

    /// Hashtags the spec calls referral-ish; every post needs one.
    static let referralTags: Set<String> = [
        "#referral", "#referafriend", "#sharethelove", "#giftforyou", "#friendsdeal", "#tellafriend",
    ]

    static func compose(_ settings: ProgramSettings, topic: String? = nil, count: Int = 5, seed: UInt64 = 7)
        -> [SocialPostSuggestion]
    {
        var generator = SplitMix64(seed: seed)
        return SocialPostComposer.compose(settings: settings, topic: topic, count: count, using: &generator)
    }

    /// The lower-cased words of a post, so "coffee" doesn't count as "off".
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "%" }.map(String.init)
    }
}

extension String {
    fileprivate func trimmingSuffix() -> String { last == " " ? String(dropLast()) : self }
}

@Suite("Social post composer")
struct SocialPostComposerTests {
    @Test(
        "reward phrases are precise and never use the coupon name",
        arguments: [
            (Social.coupon(.PERCENTAGE, 15), "15% off"),
            (Social.coupon(.PERCENTAGE, 12.5), "12.5% off"),
            (Social.coupon(.PERCENTAGE, 100, name: "VIP"), "100% off"),
            (Social.coupon(.FIXED_AMOUNT, 10), "10 off"),
            (Social.coupon(.FIXED_AMOUNT, 7.5), "7.5 off"),
            (Social.coupon(.FREE_SHIPPING), "free shipping"),
            (Social.coupon(.PERCENTAGE, 20, scope: "stores"), "20% off on your first store order"),
            (Social.coupon(.FIXED_AMOUNT, 10, scope: "bookings"), "10 off on bookings"),
            (Social.coupon(.PERCENTAGE, 5, scope: "events"), "5% off on event tickets"),
            (Social.coupon(.PERCENTAGE, 50, scope: "pricingPlans"), "50% off on plans"),
            (Social.coupon(.PERCENTAGE, 50, scope: "pricingPlans", cycles: 3), "50% off on plans for 3 billing cycles"),
            (Social.coupon(.FIXED_AMOUNT, 5, scope: "pricingPlans", cycles: 1), "5 off on plans for 1 billing cycle"),
            (Social.coupon(.FREE_SHIPPING, minimum: 50), "free shipping on orders over 50"),
            (Social.coupon(.PERCENTAGE, 10, minimum: 49.99), "10% off on orders over 49.99"),
            (Social.coupon(.PERCENTAGE, 10, minimum: 0), "10% off"),
            (Social.points(100), "100 loyalty points"),
            (Social.points(1), "1 loyalty point"),
        ] as [(Reward, String)])
    func phrase(reward: Reward, expected: String) {
        #expect(SocialPostComposer.describe(reward) == expected)
    }

    @Test(
        "NOTHING and rewards too incomplete to describe honestly have no phrase",
        arguments: [
            Reward.nothing, Reward(type: .UNKNOWN), Reward(type: .COUPON), Social.points(nil), Social.points(0),
            Social.coupon(.PERCENTAGE), Social.coupon(.FIXED_AMOUNT, -5), Social.coupon(.UNKNOWN, 10),
        ])
    func noPhrase(reward: Reward) {
        #expect(SocialPostComposer.describe(reward) == nil)
    }

    @Test("every post tells the friend what they get", arguments: [Social.percentFriend, Social.shippingFriend, Social.pointsBoth])
    func friendRewardInEveryPost(settings: ProgramSettings) throws {
        let phrase = try #require(SocialPostComposer.describe(settings.referredFriendReward))
        for seed in 0..<20 as Range<UInt64> {
            for post in Social.compose(settings, topic: "fitness", count: 10, seed: seed) {
                #expect(post.postContent.lowercased().contains(phrase), "\(post.postContent)")
            }
        }
    }

    @Test("the sharer's reward shows up in some posts, the coupon name and invented rewards in none")
    func sharerRewardSometimes() {
        let posts = (0..<20 as Range<UInt64>).flatMap { Social.compose(Social.percentFriend, count: 10, seed: $0) }
        #expect(posts.contains { $0.postContent.contains("100 loyalty points") })
        #expect(posts.contains { !$0.postContent.contains("100 loyalty points") })
        #expect(!posts.contains { $0.postContent.contains("INTERNAL-LABEL-42") })
        // No sharer reward: no template may brag about one.
        let solo = (0..<20 as Range<UInt64>).flatMap { Social.compose(Social.shippingFriend, count: 10, seed: $0) }
        #expect(!solo.contains { $0.postContent.contains("I get") || $0.postContent.contains("I'll earn") })
        #expect(!solo.contains { Social.words($0.postContent).contains("off") || $0.postContent.contains("point") })
    }

    @Test("a program that rewards nobody still invites, without promising anything", arguments: [nil, "coffee"])
    func nothingRewards(topic: String?) {
        for seed in 0..<30 as Range<UInt64> {
            let posts = Social.compose(Social.nothing, topic: topic, count: 10, seed: seed)
            #expect(posts.count == 10)
            for post in posts {
                let words = Social.words(post.postContent)
                for banned in ["off", "points", "point", "free", "discount", "gift", "reward", "earn"] {
                    #expect(!words.contains(banned), "\(post.postContent)")
                }
                #expect(!post.postContent.contains("%") && !post.postContent.lowercased().contains("free shipping"))
                #expect(post.hashtags.allSatisfy { !["#discount", "#freeshipping", "#loyaltypoints", "#giftforyou"].contains($0) })
            }
        }
    }

    @Test("only the sharer is rewarded: posts may say so, but never promise the friend a discount")
    func sharerOnly() {
        let posts = (0..<20 as Range<UInt64>).flatMap { Social.compose(Social.sharerOnly, count: 10, seed: $0) }
        #expect(posts.contains { $0.postContent.contains("I'll earn 100 loyalty points") })
        #expect(!posts.contains { Social.words($0.postContent).contains("off") || $0.postContent.contains("free") })
    }

    @Test(
        "the topic is sanitised, woven into most posts and made a hashtag",
        arguments: [
            ("fitness", "fitness", "#fitness"),
            ("  home decor  ", "home decor", "#homedecor"),
            ("Home Décor!!", "Home Décor", "#homedécor"),
            ("Coffee   &   Tea", "Coffee & Tea", "#coffeetea"),
            ("k-pop {fans}", "k-pop fans", "#kpopfans"),
            ("education\n", "education", "#education"),
        ])
    func topic(raw: String, text: String, tag: String) {
        #expect(SocialPostComposer.sanitizedTopic(raw) == text)
        let posts = Social.compose(Social.percentFriend, topic: raw, count: 10)
        #expect(posts.allSatisfy { $0.hashtags.contains(tag) })
        let mentioning = posts.filter { $0.postContent.lowercased().contains(text.lowercased()) }
        #expect(mentioning.count * 2 > posts.count)
    }

    @Test("a blank or unreadable topic is ignored", arguments: ["", "   ", "\n\t", "!!!", "&-&", "🎉🎉"])
    func ignoredTopic(raw: String) {
        #expect(SocialPostComposer.sanitizedTopic(raw) == nil)
        #expect(Social.compose(Social.percentFriend, topic: raw) == Social.compose(Social.percentFriend, topic: nil))
    }

    @Test("a long topic is capped at 50 characters")
    func longTopic() throws {
        let topic = try #require(SocialPostComposer.sanitizedTopic(String(repeating: "sourdough baking ", count: 10)))
        #expect(topic.count <= 50 && topic.last != " ")
        #expect(Social.compose(Social.longest, topic: topic, count: 10).allSatisfy { $0.postContent.count <= 280 })
    }

    @Test("count is honoured and clamped, with distinct posts", arguments: [(0, 1), (-3, 1), (1, 1), (5, 5), (10, 10), (50, 10)])
    func count(requested: Int, expected: Int) {
        for settings in [Social.percentFriend, Social.nothing] {
            let posts = Social.compose(settings, topic: "coffee", count: requested)
            #expect(posts.count == expected)
            #expect(Set(posts.map(\.postContent)).count == expected)
        }
    }

    @Test("equal seeds give equal posts; different seeds give different ones")
    func determinism() {
        for settings in Social.programs {
            #expect(Social.compose(settings, topic: "fitness", seed: 42) == Social.compose(settings, topic: "fitness", seed: 42))
            let outputs = Set((0..<20 as Range<UInt64>).map { Social.compose(settings, topic: "fitness", seed: $0) })
            #expect(outputs.count > 15)
        }
    }

    @Test("the program name is used as a headline in some posts")
    func programName() {
        let posts = (0..<20 as Range<UInt64>).flatMap { Social.compose(Social.percentFriend, count: 10, seed: $0) }
        #expect(posts.contains { $0.postContent.hasPrefix("Share the love: ") })
        #expect(SocialPostComposer.sanitizedName("  {Spring}\n  promo ") == "Spring promo")
        #expect(SocialPostComposer.sanitizedName(String(repeating: "x", count: 51)) == nil)
    }

    @Test("posts are well-formed across many seeds, programs and topics")
    func sweep() {
        for settings in Social.programs {
            for topic in [nil, "fitness", "Home Décor & Garden Ideas For Small Apartments 2025"] {
                for seed in 0..<200 as Range<UInt64> {
                    for post in Social.compose(settings, topic: topic, count: 10, seed: seed) {
                        check(post)
                    }
                }
            }
        }
    }

    /// The shape rules every post must follow, whatever the program and topic.
    func check(_ post: SocialPostSuggestion) {
        let text = post.postContent
        #expect(!text.isEmpty && text.count <= 280, "\(text)")
        #expect(!text.contains("{") && !text.contains("}") && !text.contains("  "), "\(text)")
        #expect(text.first?.isWhitespace == false && text.last?.isWhitespace == false)
        #expect([".", "!", "?", "🎁"].contains { text.hasSuffix($0) }, "\(text)")
        #expect((2...5).contains(post.hashtags.count))
        #expect(Set(post.hashtags).count == post.hashtags.count)
        #expect(post.hashtags.allSatisfy { $0.hasPrefix("#") && $0.count > 1 && $0.dropFirst().allSatisfy { $0.isLetter || $0.isNumber } })
        #expect(post.hashtags.contains { Social.referralTags.contains($0) })
    }
}
