/// One ready-to-share post: the text and the hashtags to publish with it.
///
/// The hashtags are kept out of `postContent` (as in the Wix response) so that clients can place
/// them the way each network likes.
public struct SocialPostSuggestion: Sendable, Hashable, Codable {
    /// The text of the post, at most 280 characters.
    public var postContent: String
    /// Two to five hashtags, each `#` followed by letters and digits only.
    public var hashtags: [String]

    public init(postContent: String, hashtags: [String]) {
        self.postContent = postContent
        self.hashtags = hashtags
    }
}

/// Writes the "Generate AI Social Media Posts Suggestions" posts from text templates.
///
/// No AI and no network: the posts are built only from what the program really offers, so a
/// post can never promise a reward the program doesn't have, and a seeded generator makes the
/// output reproducible.
public enum SocialPostComposer {
    /// The most posts one call returns.
    public static let maxCount = 10
    /// The longest post, the tightest limit among the big networks (X).
    public static let maxPostLength = 280
    /// The longest topic woven into the text; keeps every template within `maxPostLength`.
    static let maxTopicLength = 50
    /// Longer program names are left out rather than cut mid-word.
    static let maxNameLength = 50

    /// Builds `count` distinct posts for `settings` and an optional topic such as "fitness".
    ///
    /// - Parameters:
    ///   - settings: The program; its rewards decide what the posts promise.
    ///   - topic: What the sharer's audience is into; sanitised, and ignored when blank.
    ///   - count: How many posts, clamped to `1...maxCount`.
    ///   - generator: The randomness that picks templates and hashtags; equal states give equal posts.
    /// - Returns: Distinct posts from distinct templates.
    public static func compose(
        settings: ProgramSettings,
        topic: String?,
        count: Int = 5,
        using generator: inout some RandomNumberGenerator
    ) -> [SocialPostSuggestion] {
        let wanted = min(max(count, 1), maxCount)
        let friend = describe(settings.referredFriendReward)
        let context = PostContext(
            sharer: describe(settings.referringCustomerReward),
            topic: sanitizedTopic(topic),
            name: sanitizedName(settings.name)
        )
        // A friend reward decides the whole tone: with one, posts sell it; without, they only invite.
        // Kept `@Sendable` in both branches: converting an array of `@Sendable` functions to plain
        // functions compiles but traps at run time (a Swift 6.3 runtime cast bug).
        let pool: [@Sendable (PostContext) -> String]
        if let friend {
            pool = SocialPostTemplates.rewardPosts.map { template in { @Sendable in template(friend, $0) } }
        } else {
            pool = SocialPostTemplates.invitePosts
        }
        let tags = HashtagPlan(
            topicTag: context.topic.map(topicHashtag),
            rewardTag: friend == nil ? nil : rewardHashtag(settings.referredFriendReward),
            invitesOnly: friend == nil
        )

        var order = Array(pool.indices)
        order.shuffle(using: &generator)
        var seen: Set<String> = []
        var posts: [SocialPostSuggestion] = []
        for index in order where posts.count < wanted {
            guard let text = render(pool[index], context), seen.insert(text).inserted else { continue }
            posts.append(SocialPostSuggestion(postContent: text, hashtags: tags.pick(using: &generator)))
        }
        return posts
    }

    /// The human phrase for a reward: "10% off", "10 off" (no currency is known), "free shipping",
    /// "100 loyalty points"; nil for NOTHING and for rewards too incomplete to describe honestly.
    ///
    /// The coupon's `name` is never used: it is an internal label, not a promise to customers.
    public static func describe(_ reward: Reward) -> String? {
        switch reward.type {
        case .COUPON:
            return reward.coupon.flatMap(describe)
        case .LOYALTY_POINTS:
            guard let points = reward.loyaltyPoints, points > 0 else { return nil }
            return points == 1 ? "1 loyalty point" : "\(points) loyalty points"
        case .NOTHING, .UNKNOWN:
            return nil
        }
    }

    /// The phrase for a coupon: the discount, then where it applies, then any spending threshold.
    static func describe(_ coupon: CouponSpecification) -> String? {
        var phrase: String
        switch coupon.discountType {
        case .PERCENTAGE:
            guard let percentage = coupon.percentage, percentage > 0, percentage.isFinite else { return nil }
            phrase = "\(amount(percentage))% off"
        case .FIXED_AMOUNT:
            guard let fixed = coupon.fixedAmount, fixed > 0, fixed.isFinite else { return nil }
            phrase = "\(amount(fixed)) off"
        case .FREE_SHIPPING:
            phrase = "free shipping"
        case .UNKNOWN:
            return nil
        }
        if let namespace = coupon.scope?.namespace {
            switch namespace {
            case "stores": phrase += " on your first store order"
            case "bookings": phrase += " on bookings"
            case "events": phrase += " on event tickets"
            case "pricingPlans":
                phrase += " on plans"
                if let cycles = coupon.discountedCycleCount, cycles > 0 {
                    phrase += cycles == 1 ? " for 1 billing cycle" : " for \(cycles) billing cycles"
                }
            default: break  // An unknown app: saying nothing beats guessing what it sells.
            }
        }
        if let minimum = coupon.minimumSubtotal, minimum > 0, minimum.isFinite {
            phrase += " on orders over \(amount(minimum))"
        }
        return phrase
    }

    /// Formats an amount without needless decimals: 15 → "15", 12.5 → "12.5".
    static func amount(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The characters a hashtag may hold (and that make a topic readable at all).
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    /// Trims, strips all but letters, digits, spaces, '-' and '&', collapses spaces and caps the
    /// length; nil when nothing readable is left (a topic of only "&-" would read as noise).
    static func sanitizedTopic(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var topic = ""
        var pendingSpace = false
        for character in raw {
            if isWordCharacter(character) || character == "-" || character == "&" {
                if pendingSpace && !topic.isEmpty { topic.append(" ") }
                pendingSpace = false
                topic.append(character)
            } else if character.isWhitespace {
                pendingSpace = true  // Collapsed, so templates never get double spaces.
            }
        }
        topic = String(topic.prefix(maxTopicLength))
        while topic.last == " " { topic.removeLast() }
        return topic.contains(where: isWordCharacter) ? topic : nil
    }

    /// The program name as a headline: whitespace collapsed, braces and control characters
    /// dropped (so nothing looks like a placeholder); nil when blank or too long to fit.
    static func sanitizedName(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let words = raw.split(whereSeparator: \.isWhitespace).map { word in
            word.filter { character in
                character != "{" && character != "}"
                    && !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
            }
        }
        let name = words.filter { !$0.isEmpty }.joined(separator: " ")
        guard name.contains(where: isWordCharacter), name.count <= maxNameLength else { return nil }
        return name
    }

    /// "home decor" → "#homedecor": lowercase letters and digits only.
    static func topicHashtag(_ topic: String) -> String {
        "#" + topic.lowercased().filter(isWordCharacter)
    }

    /// A hashtag naming the kind of reward the friend gets, so the post is found by deal seekers.
    static func rewardHashtag(_ reward: Reward) -> String? {
        switch reward.type {
        case .LOYALTY_POINTS: return "#loyaltypoints"
        case .COUPON: return reward.coupon?.discountType == .FREE_SHIPPING ? "#freeshipping" : "#discount"
        case .NOTHING, .UNKNOWN: return nil
        }
    }

    /// Renders a template, dropping the optional parts (name, then the sharer's reward, then the
    /// topic) until it fits; nil if even the bare post is too long.
    static func render(_ template: (PostContext) -> String, _ context: PostContext) -> String? {
        var context = context
        let reductions: [(inout PostContext) -> Void] = [
            { _ in }, { $0.name = nil }, { $0.sharer = nil }, { $0.topic = nil },
        ]
        for reduce in reductions {
            reduce(&context)
            // Splitting on spaces and rejoining guarantees single spacing whatever was inserted.
            let text = template(context).split(separator: " ").joined(separator: " ")
            if text.count <= maxPostLength { return text }
        }
        return nil
    }
}

/// The hashtags available to one call's posts; `pick` draws a fresh mix for each post.
struct HashtagPlan {
    var topicTag: String?
    var rewardTag: String?
    /// Invitation posts avoid gift-like tags, which would hint at a reward that doesn't exist.
    var invitesOnly: Bool

    static let referralTags = ["#referral", "#referafriend", "#sharethelove", "#giftforyou", "#friendsdeal"]
    static let inviteReferralTags = ["#referral", "#referafriend", "#sharethelove", "#tellafriend"]
    static let rewardFillers = ["#treatyourself", "#friends", "#shopsmall", "#goodfinds"]
    static let inviteFillers = ["#friends", "#recommended", "#community", "#goodfinds"]

    /// A referral tag, the topic and reward tags when known, and one filler: 2 to 4 unique tags.
    func pick(using generator: inout some RandomNumberGenerator) -> [String] {
        let referral = invitesOnly ? Self.inviteReferralTags : Self.referralTags
        let fillers = invitesOnly ? Self.inviteFillers : Self.rewardFillers
        let candidates = [
            referral[Int.random(in: 0..<referral.count, using: &generator)],
            topicTag, rewardTag,
            fillers[Int.random(in: 0..<fillers.count, using: &generator)],
        ]
        // The referral and filler lists are disjoint, so even when the topic tag repeats one of
        // them (topic "friends") at least 2 tags remain; there are never more than 4.
        var tags: [String] = []
        for case let tag? in candidates where !tags.contains(tag) {
            tags.append(tag)
        }
        return tags
    }
}
