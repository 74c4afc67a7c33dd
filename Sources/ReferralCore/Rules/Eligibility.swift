/// Whether a contact may become a referred friend of the owner of a referral code.
public enum FriendEligibility: Sendable, Hashable {
    /// Create a new referred friend.
    case eligible
    /// Already referred by the same customer: return the existing record (idempotent create).
    case alreadyReferred(ReferredFriend)
    /// Not eligible; the reason is shown to the caller.
    case notEligible(String)

    /// Decides eligibility from everything the rule needs, read in the same transaction.
    /// - Parameters:
    ///   - contactID: the contact who wants to become a referred friend.
    ///   - referrer: the referring customer who owns the code.
    ///   - ownReferringCustomer: the contact's own (live) referring customer, if they have one.
    ///   - existingFriend: the contact's existing referred-friend record, if any.
    public static func decide(
        contactID: String,
        referrer: ReferringCustomer,
        ownReferringCustomer: ReferringCustomer?,
        existingFriend: ReferredFriend?
    ) -> FriendEligibility {
        if let existingFriend {
            if existingFriend.referringCustomerID == referrer.id { return .alreadyReferred(existingFriend) }
            return .notEligible("the member was already referred by another customer")
        }
        if referrer.contactID == contactID { return .notEligible("the member owns this referral code") }
        if ownReferringCustomer != nil { return .notEligible("the member is a referring customer") }
        return .eligible
    }
}

/// Allowed changes of a referred friend's status through Update Referred Friend.
public enum FriendRules {
    public static func validateStatus(_ status: FriendStatus, field: String) throws(ReferralError) {
        guard status != .UNKNOWN else {
            throw .validation(field: field, "must be SIGN_UP_COMPLETED or ACTIONS_COMPLETED", rule: "VALID_VALUE")
        }
    }
}
