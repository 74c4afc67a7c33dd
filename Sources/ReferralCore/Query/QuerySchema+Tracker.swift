/// Filter tables of the rewards and tracker resources (Wix reference §5.3, §6.3) and of our
/// aggregate queries.
extension QuerySchema {
    public static let referralRewards = QuerySchema(
        resource: "referralRewards",
        fields: [
            .string("rewardedReferringCustomerId", nullable: true),
            .string("rewardedReferredFriendId", nullable: true),
            QueryField(
                "rewardType", kind: .enumeration(RewardType.allCases.map(\.rawValue)),
                operators: [.eq, .ne, .hasSome, .in, .nin, .exists], sortable: true
            ),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ]
    )

    /// `eventType` names the one-of member; the members themselves take `$exists`, as the Wix
    /// SDK's builder sends them (rewritten to `eventType` before compiling).
    public static let referralEvents = QuerySchema(
        resource: "referralEvents",
        fields: [
            .enumeration("eventType", values: ReferralEventType.allCases.map(\.rawValue)),
            .string("referredFriendId", nullable: true),
            .string("referringCustomerId", nullable: true),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ]
            + ReferralEventType.allCases.map {
                QueryField($0.memberName, kind: .string, operators: [.exists], sortable: false, nullable: true)
            }
    )

    /// Referring-customer totals: most recently active first.
    public static let referringCustomerTotals = QuerySchema(
        resource: "referringCustomerTotals",
        fields: [
            .string("referringCustomerId"),
            .string("contactId"),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ],
        defaultSort: [SortKey(field: "updatedDate", descending: true)]
    )

    /// Referred-friend actions: latest first action first.
    public static let referredFriendActions = QuerySchema(
        resource: "referredFriendActions",
        fields: [
            .string("referredFriendId"),
            .string("contactId"),
            .string("referringCustomerId"),
            .timestamp("actionDate"),
            .timestamp("signupDate"),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ],
        defaultSort: [SortKey(field: "actionDate", descending: true)]
    )
}

extension Filter {
    /// `{"actionEvent": {"$exists": true}}` → `eventType = ACTION` (and `false` → `!=`).
    public func rewritingEventMembers() -> Filter {
        switch self {
        case .and(let filters): return .and(filters.map { $0.rewritingEventMembers() })
        case .or(let filters): return .or(filters.map { $0.rewritingEventMembers() })
        case .not(let filter): return .not(filter.rewritingEventMembers())
        case .compare(let field, .exists, .bool(let exists)):
            guard let type = ReferralEventType.allCases.first(where: { $0.memberName == field }) else { return self }
            return .compare(field: "eventType", op: exists ? .eq : .ne, operand: .scalar(.string(type.rawValue)))
        case .compare:
            return self
        }
    }
}
