import Foundation
import ReferralCore

/// `ReferralProgram` on the wire. Used for output and, decoded leniently, as update input.
struct ProgramDTO: Encodable, Sendable {
    var name: String?
    var status: String
    var revision: String
    var createdDate: String
    var updatedDate: String
    var referredFriendReward: RewardDTO
    var referringCustomerReward: RewardDTO
    var successfulReferralActions: [String]
    var emails: EmailsDTO
    var premiumFeatures: PremiumFeaturesDTO

    init(_ program: ReferralProgram) {
        name = program.settings.name
        status = program.status.rawValue
        revision = String(program.revision)
        createdDate = Timestamp.format(program.createdDate)
        updatedDate = Timestamp.format(program.updatedDate)
        referredFriendReward = RewardDTO(program.settings.referredFriendReward)
        referringCustomerReward = RewardDTO(program.settings.referringCustomerReward)
        successfulReferralActions = program.settings.successfulReferralActions.map(\.rawValue)
        emails = EmailsDTO(program.settings.emails)
        premiumFeatures = PremiumFeaturesDTO(referralProgram: true)
    }
}

struct PremiumFeaturesDTO: Codable, Sendable {
    var referralProgram: Bool
}

struct ProgramEnvelope: Encodable, Sendable {
    var referralProgram: ProgramDTO
}

struct RewardDTO: Codable, Sendable {
    struct LoyaltyPoints: Codable, Sendable {
        var amount: Int
    }

    var type: EnumInput<RewardType>
    var couponOptions: CouponDTO?
    var loyaltyPointsOptions: LoyaltyPoints?

    init(_ reward: Reward) {
        type = EnumInput(reward.type)
        couponOptions = reward.coupon.map(CouponDTO.init)
        loyaltyPointsOptions = reward.loyaltyPoints.map { LoyaltyPoints(amount: $0) }
    }

    var domain: Reward {
        Reward(type: type.value, coupon: couponOptions?.domain, loyaltyPoints: loyaltyPointsOptions?.amount)
    }
}

struct CouponDTO: Codable, Sendable {
    struct FixedAmount: Codable, Sendable { var amount: Double }
    struct Percentage: Codable, Sendable { var percentage: Double }
    struct Scope: Codable, Sendable {
        struct Group: Codable, Sendable {
            var name: String
            var entityId: String?
        }
        var namespace: String
        var group: Group?
    }

    var name: String?
    var discountType: EnumInput<DiscountType>
    var fixedAmountOptions: FixedAmount?
    var percentageOptions: Percentage?
    var minimumSubtotal: Double?
    var scope: Scope?
    var limitedToOneItem: Bool?
    var appliesToSubscriptions: Bool?
    var discountedCycleCount: Int?

    init(_ coupon: CouponSpecification) {
        name = coupon.name
        discountType = EnumInput(coupon.discountType)
        fixedAmountOptions = coupon.fixedAmount.map { FixedAmount(amount: $0) }
        percentageOptions = coupon.percentage.map { Percentage(percentage: $0) }
        minimumSubtotal = coupon.minimumSubtotal
        scope = coupon.scope.map {
            Scope(namespace: $0.namespace, group: $0.group.map { Scope.Group(name: $0.name, entityId: $0.entityID) })
        }
        limitedToOneItem = coupon.limitedToOneItem
        appliesToSubscriptions = coupon.appliesToSubscriptions
        discountedCycleCount = coupon.discountedCycleCount
    }

    var domain: CouponSpecification {
        CouponSpecification(
            name: name, discountType: discountType.value, fixedAmount: fixedAmountOptions?.amount,
            percentage: percentageOptions?.percentage, minimumSubtotal: minimumSubtotal,
            scope: scope.map { CouponScope(namespace: $0.namespace, group: $0.group.map { .init(name: $0.name, entityID: $0.entityId) }) },
            limitedToOneItem: limitedToOneItem, appliesToSubscriptions: appliesToSubscriptions, discountedCycleCount: discountedCycleCount
        )
    }
}

struct EmailsDTO: Codable, Sendable {
    var encourageToReferFriends: [EnumInput<EmailApp>]?
    var notifyCustomersAboutReward: Bool?

    init(_ emails: EmailSettings) {
        encourageToReferFriends = emails.encourageToReferFriends.map(EnumInput.init)
        notifyCustomersAboutReward = emails.notifyCustomersAboutReward
    }

    var domain: EmailSettings {
        EmailSettings(
            encourageToReferFriends: encourageToReferFriends?.map(\.value) ?? [],
            notifyCustomersAboutReward: notifyCustomersAboutReward ?? false
        )
    }
}

/// The body of Update Referral Program: `{"referralProgram": {...partial, revision}}`.
/// Read-only fields (dates, premiumFeatures) are ignored; `name: null` clears the name.
struct ProgramUpdateRequest: Decodable, Sendable {
    struct Fields: Decodable, Sendable {
        var update = ProgramUpdate()

        enum CodingKeys: String, CodingKey {
            case name, revision, status, referredFriendReward, referringCustomerReward, successfulReferralActions, emails
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            update.revision = try container.decodeIfPresent(RevisionInput.self, forKey: .revision)?.value
            if container.contains(.name) {
                update.name = try container.decodeNil(forKey: .name) ? .clear : .set(try container.decode(String.self, forKey: .name))
            }
            update.status = try container.decodeIfPresent(EnumInput<ProgramStatus>.self, forKey: .status)?.value
            update.referredFriendReward = try container.decodeIfPresent(RewardDTO.self, forKey: .referredFriendReward)?.domain
            update.referringCustomerReward = try container.decodeIfPresent(RewardDTO.self, forKey: .referringCustomerReward)?.domain
            update.successfulReferralActions = try container.decodeIfPresent(
                [EnumInput<ReferralAction>].self, forKey: .successfulReferralActions)?
                .map(\.value)
            update.emails = try container.decodeIfPresent(EmailsDTO.self, forKey: .emails)?.domain
        }
    }

    var referralProgram: Fields
}
