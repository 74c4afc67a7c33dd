import Foundation
import ReferralCore

/// Reads a stored event payload, the JSON of `ReferralEventKind`'s synthesized `Codable`
/// (`{"action":{"referredFriendID":"…",…}}`), straight from the parsed tree.
///
/// Every event read decodes one, and `JSONDecoder` with the synthesized containers took about
/// a twelfth of the CPU of a repeated order id's answer. This reader knows exactly the shapes
/// the synthesized coding writes and gives up (nil) on anything else, so `StoredJSON` then
/// decodes the text with `JSONDecoder` as before: the result or the error is always the one
/// `Codable` gives.
enum StoredEventKind {
    static func read(_ text: String) -> ReferralEventKind? {
        guard let json = try? JSONValue.parse(text.utf8), case .object(let outer) = json, outer.count == 1,
            let (name, value) = outer.first, case .object(let fields) = value
        else { return nil }
        switch name {
        case "referredFriendSignup":
            guard let friend = uuid(fields["referredFriendID"]) else { return nil }
            return .referredFriendSignup(referredFriendID: friend)
        case "successfulReferral":
            guard let friend = uuid(fields["referredFriendID"]), let customer = uuid(fields["referringCustomerID"]) else { return nil }
            return .successfulReferral(referredFriendID: friend, referringCustomerID: customer)
        case "action":
            guard let friend = uuid(fields["referredFriendID"]), let customer = uuid(fields["referringCustomerID"]),
                let trigger = fields["trigger"].flatMap(trigger),
                case .some(let amount) = value.optionalMember("amount", amount),
                case .some(let currency) = value.optionalMember("currency", \.stringValue),
                case .string(let orderID) = fields["orderID"]
            else { return nil }
            return .action(
                referredFriendID: friend, referringCustomerID: customer, trigger: trigger, amount: amount, currency: currency,
                orderID: orderID)
        case "reward":
            guard case .object(let receiverFields) = fields["receiver"], let receiver = receiver(receiverFields),
                let rewardID = uuid(fields["referralRewardID"]),
                case .string(let typeName) = fields["rewardType"], let rewardType = RewardType(rawValue: typeName)
            else { return nil }
            return .reward(receiver: receiver, referralRewardID: rewardID, rewardType: rewardType)
        default:
            return nil
        }
    }

    private static func uuid(_ value: JSONValue?) -> UUID? {
        value?.stringValue.flatMap(UUID.init(lowercasedOrAny:))
    }

    private static func trigger(_ value: JSONValue) -> ActionTrigger? {
        guard let typeName = value.objectValue?["activityType"]?.stringValue, let activityType = ReferralAction(rawValue: typeName),
            case .some(let appID) = value.optionalMember("appID", \.stringValue)
        else { return nil }
        return ActionTrigger(appID: appID, activityType: activityType)
    }

    /// `DecimalAmount`'s synthesized coding: `{"text": "5.00", "units": 50000}`.
    private static func amount(_ value: JSONValue) -> DecimalAmount? {
        guard case .object(let fields) = value, case .string(let text) = fields["text"], case .number(let number) = fields["units"],
            let units = Int64(exactly: number), let amount = DecimalAmount(text), amount.units == units
        else { return nil }
        return amount
    }

    /// `RewardReceiver`'s synthesized coding: `{"referringCustomer": {"_0": "…"}}`.
    private static func receiver(_ fields: [String: JSONValue]) -> RewardReceiver? {
        guard fields.count == 1, let (name, value) = fields.first, case .object(let payload) = value, let id = uuid(payload["_0"]) else {
            return nil
        }
        switch name {
        case "referringCustomer": return .referringCustomer(id)
        case "referredFriend": return .referredFriend(id)
        default: return nil
        }
    }
}
