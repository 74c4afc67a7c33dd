import Foundation
import ReferralCore

// The stored documents the write routes produce most (events' payloads, and the change
// snapshots of events, referred friends, referring customers and loyalty-point rewards) written field by field, exactly as
// `CompactJSONEncoder` writes their synthesized `Codable` form (a test compares the bytes).
// Through `Codable` they were 6–8 % of the single SQLite writer's time per new order.

extension StoredJSON {
    static func encode(_ kind: ReferralEventKind) throws -> String {
        String(decoding: CompactJSONWriter.bytes(of: StoredKind(kind: kind), capacity: 320), as: UTF8.self)
    }

    static func encode(_ snapshot: EntitySnapshot) throws -> String {
        switch snapshot {
        case .referredFriend(let friend) where friend.createdDate.isStorable && friend.updatedDate.isStorable:
            return String(decoding: CompactJSONWriter.bytes(of: StoredSnapshot.referredFriend(friend), capacity: 384), as: UTF8.self)
        case .referringCustomer(let customer) where customer.createdDate.isStorable && customer.updatedDate.isStorable:
            return String(decoding: CompactJSONWriter.bytes(of: StoredSnapshot.referringCustomer(customer), capacity: 384), as: UTF8.self)
        case .referralReward(let reward) where reward.coupon == nil && reward.createdDate.isStorable && reward.updatedDate.isStorable:
            // Loyalty points (a referring customer's usual reward); coupons, with their
            // specification, still go through the encoder.
            return String(decoding: CompactJSONWriter.bytes(of: StoredSnapshot.referralReward(reward), capacity: 512), as: UTF8.self)
        case .referralEvent(let event) where event.createdDate.isStorable && event.updatedDate.isStorable:
            return String(decoding: CompactJSONWriter.bytes(of: StoredSnapshot.referralEvent(event), capacity: 512), as: UTF8.self)
        default:
            return String(decoding: try CompactJSONEncoder().encode(snapshot), as: UTF8.self)
        }
    }
}

extension Date {
    /// `CompactJSONEncoder` throws for a date that isn't a finite number of milliseconds.
    fileprivate var isStorable: Bool { timeIntervalSince1970.isFinite }
}

struct StoredKind: CompactJSONWritable {
    var kind: ReferralEventKind

    func encode(to encoder: any Encoder) throws { try kind.encode(to: encoder) }

    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            switch kind {
            case .referredFriendSignup(let friend):
                writer.key("referredFriendSignup")
                writer.object { writer in
                    writer.key("referredFriendID")
                    writer.uuid(friend)
                }
            case .successfulReferral(let friend, let customer):
                writer.key("successfulReferral")
                writer.object { writer in
                    writer.key("referredFriendID")
                    writer.uuid(friend)
                    writer.key("referringCustomerID")
                    writer.uuid(customer)
                }
            case .action(let friend, let customer, let trigger, let amount, let currency, let orderID):
                writer.key("action")
                writer.object { writer in
                    writer.key("referredFriendID")
                    writer.uuid(friend)
                    writer.key("referringCustomerID")
                    writer.uuid(customer)
                    writer.key("trigger")
                    writer.object { writer in
                        writer.member("appID", ifPresent: trigger.appID)
                        writer.member("activityType", trigger.activityType.rawValue)
                    }
                    if let amount {
                        writer.key("amount")
                        writer.object { writer in
                            writer.member("text", amount.text)
                            writer.key("units")
                            writer.integer(amount.units)
                        }
                    }
                    writer.member("currency", ifPresent: currency)
                    writer.member("orderID", orderID)
                }
            case .reward(let receiver, let rewardID, let rewardType):
                writer.key("reward")
                writer.object { writer in
                    writer.key("receiver")
                    writer.receiver(receiver)
                    writer.key("referralRewardID")
                    writer.uuid(rewardID)
                    writer.member("rewardType", rewardType.rawValue)
                }
            }
        }
    }
}

/// The snapshots written directly: `{"<case>":{"_0":{…}}}`.
enum StoredSnapshot: CompactJSONWritable {
    case referringCustomer(ReferringCustomer)
    case referredFriend(ReferredFriend)
    case referralEvent(ReferralEvent)
    /// Only without a coupon.
    case referralReward(ReferralReward)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .referringCustomer(let customer): try EntitySnapshot.referringCustomer(customer).encode(to: encoder)
        case .referredFriend(let friend): try EntitySnapshot.referredFriend(friend).encode(to: encoder)
        case .referralEvent(let event): try EntitySnapshot.referralEvent(event).encode(to: encoder)
        case .referralReward(let reward): try EntitySnapshot.referralReward(reward).encode(to: encoder)
        }
    }

    func writeJSON(into writer: inout CompactJSONWriter) {
        switch self {
        case .referringCustomer(let customer):
            writer.enumCase("referringCustomer") { writer in
                writer.entityID(customer.id, site: customer.site)
                writer.member("contactID", customer.contactID)
                writer.member("referralCode", customer.referralCode)
                writer.revision(customer.revision, created: customer.createdDate, updated: customer.updatedDate)
            }
        case .referredFriend(let friend):
            writer.enumCase("referredFriend") { writer in
                writer.entityID(friend.id, site: friend.site)
                writer.member("contactID", friend.contactID)
                writer.key("referringCustomerID")
                writer.uuid(friend.referringCustomerID)
                writer.member("status", friend.status.rawValue)
                writer.revision(friend.revision, created: friend.createdDate, updated: friend.updatedDate)
            }
        case .referralReward(let reward):
            writer.enumCase("referralReward") { writer in
                writer.entityID(reward.id, site: reward.site)
                writer.key("receiver")
                writer.receiver(reward.receiver)
                writer.key("sourceFriendID")
                writer.uuid(reward.sourceFriendID)
                writer.member("sourceContactID", reward.sourceContactID)
                writer.member("receiverContactID", reward.receiverContactID)
                writer.member("rewardType", reward.rewardType.rawValue)
                if let points = reward.loyaltyPoints {
                    writer.key("loyaltyPoints")
                    writer.object { writer in
                        writer.member("transactionID", points.transactionID)
                        writer.key("amount")
                        writer.integer(points.amount)
                    }
                }
                writer.revision(reward.revision, created: reward.createdDate, updated: reward.updatedDate)
            }
        case .referralEvent(let event):
            writer.enumCase("referralEvent") { writer in
                writer.entityID(event.id, site: event.site)
                writer.member("kind", StoredKind(kind: event.kind))
                writer.revision(event.revision, created: event.createdDate, updated: event.updatedDate)
            }
        }
    }
}

extension CompactJSONWriter {
    /// `{"<name>":{"_0":{…}}}`: an enum case with one unlabelled value, as `Codable`
    /// synthesizes it, whose members `body` writes.
    fileprivate mutating func enumCase(_ name: StaticString, _ body: (inout CompactJSONWriter) -> Void) {
        object { writer in
            writer.key(name)
            writer.object { writer in
                writer.key("_0")
                writer.object(body)
            }
        }
    }

    /// `RewardReceiver`'s synthesized coding: `{"referringCustomer":{"_0":"…"}}`.
    fileprivate mutating func receiver(_ receiver: RewardReceiver) {
        let (name, id): (StaticString, UUID) =
            switch receiver {
            case .referringCustomer(let id): ("referringCustomer", id)
            case .referredFriend(let id): ("referredFriend", id)
            }
        object { writer in
            writer.key(name)
            writer.object { writer in
                writer.key("_0")
                writer.uuid(id)
            }
        }
    }

    /// The `id` and `site` members every entity starts with.
    fileprivate mutating func entityID(_ id: UUID, site: SiteID) {
        key("id")
        uuid(id)
        member("site", site.rawValue)
    }

    /// The `revision`, `createdDate` and `updatedDate` members every entity ends with.
    fileprivate mutating func revision(_ revision: Int64, created: Date, updated: Date) {
        key("revision")
        integer(revision)
        key("createdDate")
        milliseconds(created)
        key("updatedDate")
        milliseconds(updated)
    }
}
