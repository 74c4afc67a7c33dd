import ReferralCore

// The bodies of the write routes that run most (generate, create a referred friend, report
// an action), read straight from the parsed JSON. Each reading takes only what `Codable`
// would take, and gives up (nil) on anything else so that `WireJSON.decode` answers with
// `Codable`'s result or error.

extension GenerateReferringCustomerRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard let contactId = json.requiredString("contactId") else { return nil }
        self.init(contactId: contactId)
    }
}

extension CreateReferredFriendRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard case .object = json, case .some(let referralCode) = json.optionalString("referralCode"),
            case .some(let contactId) = json.optionalString("contactId"),
            case .some(let referringCustomerId) = json.optionalString("referringCustomerId")
        else { return nil }
        var friend: Friend?
        switch json.member("referredFriend") {
        case .none, .some(.null):
            friend = nil
        case .some(let value):
            guard case .object = value, case .some(let contactId) = value.optionalString("contactId"),
                case .some(let referringCustomerId) = value.optionalString("referringCustomerId"),
                case .some(let referralCode) = value.optionalString("referralCode")
            else { return nil }
            friend = Friend(contactId: contactId, referringCustomerId: referringCustomerId, referralCode: referralCode)
        }
        self.init(referralCode: referralCode, contactId: contactId, referringCustomerId: referringCustomerId, referredFriend: friend)
    }
}

extension ReportActionRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard case .object = json, let event = json.member("referralEvent"), case .object = event,
            let action = event.member("actionEvent"), case .object = action,
            case .some(let referredFriendId) = action.optionalString("referredFriendId"),
            case .some(let contactId) = action.optionalString("contactId"),
            case .some(let currency) = action.optionalString("currency"),
            let orderId = action.requiredString("orderId"),
            let trigger = action.member("trigger"), case .object = trigger,
            case .some(let appId) = trigger.optionalString("appId"),
            let activityName = trigger.requiredString("activityType"), let activityType = ReferralAction(rawValue: activityName),
            case .some(let amountText) = action.optionalString("amount")
        else { return nil }
        var amount: AmountInput?
        if let amountText {
            guard let value = DecimalAmount(amountText) else { return nil }
            amount = AmountInput(value: value)
        }
        self.init(
            referralEvent: Event(
                actionEvent: ActionInput(
                    referredFriendId: referredFriendId, contactId: contactId,
                    trigger: ActionInput.Trigger(appId: appId, activityType: EnumInput(activityType)), amount: amount, currency: currency,
                    orderId: orderId)))
    }
}
