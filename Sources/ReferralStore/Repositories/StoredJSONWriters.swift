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
        writer.object { writer in
            switch self {
            case .referringCustomer(let customer):
                writer.key("referringCustomer")
                writer.object { writer in
                    writer.key("_0")
                    writer.object { writer in
                        writer.key("id")
                        writer.uuid(customer.id)
                        writer.member("site", customer.site.rawValue)
                        writer.member("contactID", customer.contactID)
                        writer.member("referralCode", customer.referralCode)
                        writer.key("revision")
                        writer.integer(customer.revision)
                        writer.key("createdDate")
                        writer.milliseconds(customer.createdDate)
                        writer.key("updatedDate")
                        writer.milliseconds(customer.updatedDate)
                    }
                }
            case .referredFriend(let friend):
                writer.key("referredFriend")
                writer.object { writer in
                    writer.key("_0")
                    writer.object { writer in
                        writer.key("id")
                        writer.uuid(friend.id)
                        writer.member("site", friend.site.rawValue)
                        writer.member("contactID", friend.contactID)
                        writer.key("referringCustomerID")
                        writer.uuid(friend.referringCustomerID)
                        writer.member("status", friend.status.rawValue)
                        writer.key("revision")
                        writer.integer(friend.revision)
                        writer.key("createdDate")
                        writer.milliseconds(friend.createdDate)
                        writer.key("updatedDate")
                        writer.milliseconds(friend.updatedDate)
                    }
                }
            case .referralReward(let reward):
                writer.key("referralReward")
                writer.object { writer in
                    writer.key("_0")
                    writer.object { writer in
                        writer.key("id")
                        writer.uuid(reward.id)
                        writer.member("site", reward.site.rawValue)
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
                        writer.key("revision")
                        writer.integer(reward.revision)
                        writer.key("createdDate")
                        writer.milliseconds(reward.createdDate)
                        writer.key("updatedDate")
                        writer.milliseconds(reward.updatedDate)
                    }
                }
            case .referralEvent(let event):
                writer.key("referralEvent")
                writer.object { writer in
                    writer.key("_0")
                    writer.object { writer in
                        writer.key("id")
                        writer.uuid(event.id)
                        writer.member("site", event.site.rawValue)
                        writer.member("kind", StoredKind(kind: event.kind))
                        writer.key("revision")
                        writer.integer(event.revision)
                        writer.key("createdDate")
                        writer.milliseconds(event.createdDate)
                        writer.key("updatedDate")
                        writer.milliseconds(event.updatedDate)
                    }
                }
            }
        }
    }
}

extension CompactJSONWriter {
    /// `RewardReceiver`'s synthesized coding: `{"referringCustomer":{"_0":"…"}}`.
    fileprivate mutating func receiver(_ receiver: RewardReceiver) {
        object { writer in
            switch receiver {
            case .referringCustomer(let id):
                writer.key("referringCustomer")
                writer.object { writer in
                    writer.key("_0")
                    writer.uuid(id)
                }
            case .referredFriend(let id):
                writer.key("referredFriend")
                writer.object { writer in
                    writer.key("_0")
                    writer.uuid(id)
                }
            }
        }
    }
}
