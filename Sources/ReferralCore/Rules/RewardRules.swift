/// Pure decisions of the reward engine, evaluated against the program as it is at the moment
/// of the event.
public enum RewardRules {
    /// What issuing a configured reward produces.
    public enum Issuance: Sendable, Hashable {
        case coupon(CouponSpecification)
        case loyaltyPoints(Int)
    }

    /// The referred friend's sign-up reward, or nil when the program gives none (or isn't active).
    public static func signUpReward(program: ReferralProgram) -> Issuance? {
        guard program.status == .ACTIVE else { return nil }
        return issuance(for: program.settings.referredFriendReward)
    }

    /// Whether an action completes the referral: the program is active, lists the action, and
    /// the friend hasn't completed it already (later actions earn nothing more).
    public static func completesReferral(action: ReferralAction, program: ReferralProgram, friend: ReferredFriend) -> Bool {
        program.status == .ACTIVE && program.settings.successfulReferralActions.contains(action) && friend.status == .SIGN_UP_COMPLETED
    }

    /// The referring customer's reward for a completed referral, or nil for none.
    public static func referrerReward(program: ReferralProgram) -> Issuance? {
        issuance(for: program.settings.referringCustomerReward)
    }

    /// `NOTHING` (and an incomplete configuration, which validation never lets through) issues nothing.
    public static func issuance(for reward: Reward) -> Issuance? {
        switch reward.type {
        case .COUPON: reward.coupon.map(Issuance.coupon)
        case .LOYALTY_POINTS: reward.loyaltyPoints.flatMap { $0 > 0 ? .loyaltyPoints($0) : nil }
        case .NOTHING, .UNKNOWN: nil
        }
    }
}
