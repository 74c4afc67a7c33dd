import ReferralCore

// The bodies of the write routes that run most (generate, create a referred friend, report
// an action), read straight from the parsed JSON. Each reading takes only what `Codable`
// would take, and gives up (nil) on anything else so that `WireJSON.decode` answers with
// `Codable`'s result or error.

extension GenerateReferringCustomerRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard let contactId = json.objectValue?["contactId"]?.stringValue else { return nil }
        self.init(contactId: contactId)
    }
}

extension CreateReferredFriendRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard case .some(let referralCode) = json.optionalMember("referralCode", \.stringValue),
            case .some(let contactId) = json.optionalMember("contactId", \.stringValue),
            case .some(let referringCustomerId) = json.optionalMember("referringCustomerId", \.stringValue),
            case .some(let friend) = json.optionalMember("referredFriend", Friend.init(json:))
        else { return nil }
        self.init(referralCode: referralCode, contactId: contactId, referringCustomerId: referringCustomerId, referredFriend: friend)
    }
}

extension CreateReferredFriendRequest.Friend {
    init?(json: JSONValue) {
        guard case .some(let contactId) = json.optionalMember("contactId", \.stringValue),
            case .some(let referringCustomerId) = json.optionalMember("referringCustomerId", \.stringValue),
            case .some(let referralCode) = json.optionalMember("referralCode", \.stringValue)
        else { return nil }
        self.init(contactId: contactId, referringCustomerId: referringCustomerId, referralCode: referralCode)
    }
}

extension ReportActionRequest: DirectJSONDecodable {
    init?(json: JSONValue) {
        guard let action = json.objectValue?["referralEvent"]?.objectValue?["actionEvent"],
            case .some(let referredFriendId) = action.optionalMember("referredFriendId", \.stringValue),
            case .some(let contactId) = action.optionalMember("contactId", \.stringValue),
            case .some(let currency) = action.optionalMember("currency", \.stringValue),
            case .some(let amount) = action.optionalMember("amount", { $0.stringValue.flatMap(DecimalAmount.init).map(AmountInput.init) }),
            let orderId = action.objectValue?["orderId"]?.stringValue,
            let trigger = action.objectValue?["trigger"],
            case .some(let appId) = trigger.optionalMember("appId", \.stringValue),
            let activityName = trigger.objectValue?["activityType"]?.stringValue, let activityType = ReferralAction(rawValue: activityName)
        else { return nil }
        self.init(
            referralEvent: Event(
                actionEvent: ActionInput(
                    referredFriendId: referredFriendId, contactId: contactId,
                    trigger: ActionInput.Trigger(appId: appId, activityType: EnumInput(activityType)), amount: amount, currency: currency,
                    orderId: orderId)))
    }
}
