/// The optional facts a post template may weave in, already sanitised by the composer.
struct PostContext: Sendable {
    /// What the sharer gets, e.g. "100 loyalty points"; nil when the program gives them nothing.
    var sharer: String?
    /// The audience's interest, e.g. "fitness".
    var topic: String?
    /// The program name, used only as a headline.
    var name: String?

    /// `text(topic)` when a topic is known, else `fallback`; keeps templates free of `if`s.
    func withTopic(_ text: (String) -> String, else fallback: String = "") -> String {
        topic.map(text) ?? fallback
    }

    /// "Share the love: " before the post, or nothing. A name that already ends in punctuation
    /// ("Refer & earn!") gets no colon after it.
    var headline: String {
        guard let name else { return "" }
        return name.last.map { ".!?:".contains($0) } == true ? "\(name) " : "\(name): "
    }
}

extension String {
    /// Upper-cases the first character only: reward phrases and topics start sentences in some
    /// templates, and `capitalized` (Foundation) would also change "12.5% Off On Bookings".
    var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}

/// The post texts. Two families, because honesty decides the wording: `rewardPosts` sell the
/// friend's reward; `invitePosts` (the friend gets nothing) only recommend, and never use words
/// like "off", "free", "gift" or "points" on their own account.
///
/// Each family mixes tones (friendly, short, enthusiastic, gift-like, question openers) and has
/// more templates than the most posts a call can ask for, so `count` distinct posts always exist.
enum SocialPostTemplates {
    /// Templates for a program whose friend reward is `friend` (e.g. "10% off on bookings").
    static let rewardPosts: [@Sendable (_ friend: String, _ context: PostContext) -> String] = [
        { friend, c in
            "\(c.withTopic { "Into \($0)? " })I think you'd love this. Use my referral link to get \(friend)."
        },
        { friend, c in
            "Psst\(c.withTopic { ", \($0) fans" })! Get \(friend) with my link."
        },
        { friend, c in
            "So excited to share this\(c.withTopic { " with my fellow \($0) lovers" })! Sign up through my link and get \(friend)!"
        },
        { friend, c in
            "A little gift from me to you\(c.withTopic { ", my \($0) friends" }): \(friend) when you join through my link 🎁"
        },
        { friend, c in
            "\(c.withTopic({ "Looking for something new in \($0)?" }, else: "Looking for something new to try?")) Use my link and enjoy \(friend)."
        },
        { friend, c in
            // The only template built around both sides winning, so it needs the sharer's reward.
            let body =
                c.sharer.map { "let's both win! Join through my link: you get \(friend) and I get \($0)." }
                ?? "treat yourself! Join through my link and get \(friend)."
            return c.withTopic({ "Fellow \($0) lovers, \(body)" }, else: body.capitalizedFirst)
        },
        { friend, c in
            "\(c.headline)I can share \(friend) with my friends\(c.withTopic { " who love \($0)" }). Claim yours through my link!"
        },
        { friend, c in
            "Hey friends\(c.withTopic { " who love \($0)" })! If you've been meaning to try this, now's the time: my link gets you \(friend)."
        },
        { friend, c in
            "Who wants \(friend)? \(c.withTopic({ "\($0.capitalizedFirst) lovers, this one's for you." }, else: "This one's for you.")) Just sign up with my link."
        },
        { friend, c in
            "\("\(friend) for new friends\(c.withTopic { " into \($0)" })".capitalizedFirst). Link below!"
        },
        { friend, c in
            "Big news\(c.withTopic { " for \($0) fans" })! Join with my referral link and get \(friend)\(c.sharer.map { ", and I'll earn \($0) as a thank-you" } ?? "")!"
        },
        { friend, c in
            "Sharing is caring! Here's \(friend) for you\(c.withTopic { ", from one \($0) fan to another" }). Use my link to claim it."
        },
        { friend, c in
            "This is one of my favorites\(c.withTopic { " for \($0)" }), and now you can get \(friend) through my link. Give it a try!"
        },
        { friend, c in
            "Ready for something new\(c.withTopic { " in \($0)" })? My referral link gets you \(friend). Let me know what you think!"
        },
    ]

    /// Templates for a program that gives the friend nothing: a plain, honest recommendation.
    static let invitePosts: [@Sendable (PostContext) -> String] = [
        { c in
            "\(c.withTopic { "Into \($0)? " })I think you'd love this as much as I do. Join through my link and see for yourself!"
        },
        { c in
            "Psst\(c.withTopic { ", \($0) fans" })! This is one of my favorite finds. Check it out with my link."
        },
        { c in
            "So happy to share this\(c.withTopic { " with my fellow \($0) lovers" })! Sign up through my referral link and join me."
        },
        { c in
            "\(c.withTopic({ "Looking for something new in \($0)?" }, else: "Looking for something new to try?")) This is my go-to. Use my link to join me!"
        },
        { c in
            "\(c.headline)I'm a big fan, and I think you'd be too\(c.withTopic { " if you love \($0)" }). Come join me through my link!"
        },
        { c in
            // Mentions the sharer's own reward only when it exists, and only as their thank-you.
            "\(c.withTopic({ "Fellow \($0) lovers, join me!" }, else: "Join me!")) Sign up with my referral link\(c.sharer.map { ", and I'll earn \($0) as a thank-you" } ?? "")."
        },
        { c in
            "Hey friends\(c.withTopic { " who love \($0)" })! If you've been meaning to try this, now's the time. My link is below."
        },
        { c in
            "Who's joining me? \(c.withTopic({ "\($0.capitalizedFirst) lovers, this one's for you." }, else: "This one's for you.")) Just sign up with my link."
        },
        { c in
            "Highly recommended\(c.withTopic { " for \($0) lovers" })! Link below."
        },
        { c in
            "Sharing is caring! \(c.withTopic({ "From one \($0) fan to another, I" }, else: "I")) had to pass this along. Use my link to check it out."
        },
        { c in
            "This has become one of my favorites\(c.withTopic { " for \($0)" }). Give it a try through my link!"
        },
        { c in
            "Ready for something new\(c.withTopic { " in \($0)" })? I've been loving this, and I think you will too. Join through my link!"
        },
        { c in
            "Good things are better shared\(c.withTopic { ", especially with \($0) lovers" }). Join me through my referral link!"
        },
    ]
}
