import Foundation

/// An action an integrator reports for a referred friend (an order, a booking...).
public struct ReportedAction: Sendable, Hashable {
    public var referredFriendID: String?
    public var contactID: String?
    public var trigger: ActionTrigger
    public var amount: DecimalAmount?
    public var currency: String?
    public var orderID: String

    public init(
        referredFriendID: String?, contactID: String?, trigger: ActionTrigger, amount: DecimalAmount?, currency: String?, orderID: String
    ) {
        self.referredFriendID = referredFriendID
        self.contactID = contactID
        self.trigger = trigger
        self.amount = amount
        self.currency = currency
        self.orderID = orderID
    }

    /// Every violation of the input rules, with request paths.
    public func violations(prefix: String = "referralEvent.actionEvent") -> [ReferralError.FieldViolation] {
        var violations: [ReferralError.FieldViolation] = []
        if referredFriendID == nil && contactID == nil {
            violations.append(
                .init(field: "\(prefix).referredFriendId", description: "or contactId is required", violatedRule: "REQUIRED_FIELD"))
        }
        if trigger.activityType == .UNKNOWN {
            violations.append(
                .init(field: "\(prefix).trigger.activityType", description: "UNKNOWN is not an action", violatedRule: "VALID_VALUE"))
        }
        if orderID.trimmingWhitespace().isEmpty || orderID.count > 200 {
            violations.append(
                .init(field: "\(prefix).orderId", description: "must be 1 to 200 characters long", violatedRule: "REQUIRED_FIELD"))
        }
        if let currency, currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            violations.append(
                .init(field: "\(prefix).currency", description: "must be a 3-letter ISO 4217 code such as USD", violatedRule: "FORMAT"))
        }
        if let appID = trigger.appID, appID.count > 100 {
            violations.append(
                .init(field: "\(prefix).trigger.appId", description: "must be at most 100 characters long", violatedRule: "MAX_LENGTH"))
        }
        return violations
    }
}

/// The referral tracker: reporting actions [ext], events, statistics and aggregates.
public struct TrackerService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    let cursors: CursorCodec

    /// Records an action once per order id; the first qualifying one completes the referral.
    public func reportAction(_ caller: Caller, _ action: ReportedAction) async throws -> ReferralEvent {
        try caller.requireAdmin(.manageReferralEvents)
        let violations = action.violations()
        guard violations.isEmpty else { throw ReferralError.validation(violations) }
        let site = caller.site
        let generators = self.generators
        // A repeated order id (a retry, a replayed webhook) changes nothing: answer it from a
        // reader, as the write below would, and leave the single writer to new orders.
        let orderID = action.orderID
        let repeated = try await store.read { tx -> ReferralEvent? in
            _ = try await Self.reportedFriend(action, site: site, in: tx)
            return try await tx.referralEvents.find(orderID: orderID, site: site)
        }
        if let repeated { return repeated }
        return try await store.write { tx in
            let friend = try await Self.reportedFriend(action, site: site, in: tx)
            let program = try await ProgramService.provision(site, in: tx, generators: generators)
            return try await ReferralEngine.actionReported(action, by: friend, program: program, in: tx, generators: generators)
        }
    }

    /// The friend an action names, by id or by contact.
    private static func reportedFriend(_ action: ReportedAction, site: SiteID, in tx: any StoreTransaction) async throws -> ReferredFriend {
        if let text = action.referredFriendID {
            guard let id = UUID(lowercasedOrAny: text), let found = try await tx.referredFriends.find(id: id, site: site) else {
                throw ReferralError.referredFriendNotFound(text)
            }
            return found
        }
        let contactID = action.contactID ?? ""
        guard let found = try await tx.referredFriends.find(contactID: contactID, site: site) else {
            throw ReferralError.notFound("REFERRED_FRIEND_NOT_FOUND", "Contact \(contactID) was not referred.", id: contactID)
        }
        return found
    }

    public func event(_ caller: Caller, id: String) async throws -> ReferralEvent {
        try caller.requireAdmin(.readReferralEvents)
        let uuid = try parseEntityID(id, notFound: Self.eventNotFound)
        guard let event = try await store.read({ try await $0.referralEvents.find(id: uuid, site: caller.site) }) else {
            throw Self.eventNotFound(id)
        }
        return event
    }

    public func queryEvents(_ caller: Caller, _ query: JSONValue?) async throws -> QueryPage<ReferralEvent> {
        try caller.requireAdmin(.readReferralEvents)
        var parsed = try QueryParser.parse(query, schema: .referralEvents, cursors: cursors)
        parsed.filter = parsed.filter?.rewritingEventMembers()
        let request = parsed
        let rows = try await store.read { try await $0.referralEvents.query(request, site: caller.site) }
        return QueryPager.page(parsed, fetched: rows, schema: .referralEvents, cursors: cursors) { event in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "eventType": .string(event.kind.eventType.rawValue)
                case "referredFriendId": .string(event.kind.referredFriendID?.lowercased ?? "")
                case "referringCustomerId": .string(event.kind.referringCustomerID?.lowercased ?? "")
                case "createdDate": .timestamp(event.createdDate.milliseconds)
                case "updatedDate": .timestamp(event.updatedDate.milliseconds)
                default: .string(event.id.lowercased)
                }
            }
        }
    }

    /// Read from aggregates kept with every event: constant cost whatever the data size.
    public func statistics(_ caller: Caller) async throws -> ReferralStatistics {
        try caller.requireAdmin(.readReferralStatistics)
        return try await store.read { try await $0.statistics.statistics(site: caller.site) }
    }

    public func customerTotals(_ caller: Caller, _ query: JSONValue?, contactIDs: [String]?) async throws -> QueryPage<
        ReferringCustomerTotal
    > {
        try caller.requireAdmin(.readReferralStatistics)
        let parsed = try QueryParser.parse(query, schema: .referringCustomerTotals, cursors: cursors)
        let rows = try await store.read { try await $0.statistics.queryCustomerTotals(parsed, site: caller.site, contactIDs: contactIDs) }
        return QueryPager.page(parsed, fetched: rows, schema: .referringCustomerTotals, cursors: cursors) { total in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "contactId": .string(total.contactID)
                case "createdDate": .timestamp(total.createdDate.milliseconds)
                case "updatedDate": .timestamp(total.updatedDate.milliseconds)
                default: .string(total.referringCustomerID.lowercased)
                }
            }
        }
    }

    public func friendActivity(_ caller: Caller, _ query: JSONValue?, contactIDs: [String]?) async throws -> QueryPage<
        ReferredFriendActivity
    > {
        try caller.requireAdmin(.readReferralStatistics)
        let parsed = try QueryParser.parse(query, schema: .referredFriendActions, cursors: cursors)
        let rows = try await store.read { try await $0.statistics.queryFriendActivity(parsed, site: caller.site, contactIDs: contactIDs) }
        return QueryPager.page(parsed, fetched: rows, schema: .referredFriendActions, cursors: cursors) { activity in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "contactId": .string(activity.contactID)
                case "referringCustomerId": .string(activity.referringCustomerID.lowercased)
                case "actionDate": .timestamp(activity.actionDate.milliseconds)
                case "signupDate": .timestamp(activity.signupDate.milliseconds)
                case "createdDate": .timestamp(activity.createdDate.milliseconds)
                case "updatedDate": .timestamp(activity.updatedDate.milliseconds)
                default: .string(activity.referredFriendID.lowercased)
                }
            }
        }
    }

    static func eventNotFound(_ id: String) -> ReferralError {
        .notFound("REFERRAL_EVENT_NOT_FOUND", "Referral event \(id) was not found.", id: id)
    }
}
