/// A partial update of a program, as sent to Update Referral Program.
/// `nil` means "not in the request"; `name` can also be cleared with an explicit null.
public struct ProgramUpdate: Sendable, Hashable {
    public enum NameChange: Sendable, Hashable {
        case set(String)
        case clear
    }

    public var revision: Int64?
    public var name: NameChange?
    public var referredFriendReward: Reward?
    public var referringCustomerReward: Reward?
    public var successfulReferralActions: [ReferralAction]?
    public var emails: EmailSettings?
    /// The sample flows set `"status": "ACTIVE"` through update; treated as activate/pause.
    public var status: ProgramStatus?

    public init(
        revision: Int64? = nil,
        name: NameChange? = nil,
        referredFriendReward: Reward? = nil,
        referringCustomerReward: Reward? = nil,
        successfulReferralActions: [ReferralAction]? = nil,
        emails: EmailSettings? = nil,
        status: ProgramStatus? = nil
    ) {
        self.revision = revision
        self.name = name
        self.referredFriendReward = referredFriendReward
        self.referringCustomerReward = referringCustomerReward
        self.successfulReferralActions = successfulReferralActions
        self.emails = emails
        self.status = status
    }
}

/// Pure rules of the program: validation, partial updates and status transitions.
public enum ProgramRules {
    static let couponNamespaces: Set<String> = ["stores", "bookings", "events", "pricingPlans"]
    static let maxLoyaltyPoints = 9_999_999

    /// Applies an update to a program and returns the program as it should be stored,
    /// or nil when nothing changes. Throws the validation or precondition error otherwise.
    public static func apply(_ update: ProgramUpdate, to program: ReferralProgram) throws(ReferralError) -> ReferralProgram? {
        var settings = program.settings
        switch update.name {
        case .set(let name): settings.name = name
        case .clear: settings.name = nil
        case nil: break
        }
        if let reward = update.referredFriendReward { settings.referredFriendReward = reward }
        if let reward = update.referringCustomerReward { settings.referringCustomerReward = reward }
        if let actions = update.successfulReferralActions { settings.successfulReferralActions = actions }
        if let emails = update.emails { settings.emails = emails }

        let violations = validate(settings, prefix: "referralProgram")
        guard violations.isEmpty else { throw .validation(violations) }

        var status = program.status
        if let requested = update.status, requested != program.status {
            switch requested {
            case .ACTIVE, .PAUSED: status = requested
            case .DRAFT, .UNKNOWN:
                throw .validation(
                    field: "referralProgram.status",
                    "Status can only be set to ACTIVE or PAUSED; a program never returns to \(requested.rawValue).",
                    rule: "VALID_VALUE"
                )
            }
        }
        try checkStatus(status, from: program.status, settings: settings)
        guard settings != program.settings || status != program.status else { return nil }
        var updated = program
        updated.settings = settings
        updated.status = status
        return updated
    }

    /// The program after an activate or pause call, or nil when it already has that status.
    public static func transition(_ program: ReferralProgram, to status: ProgramStatus) throws(ReferralError) -> ReferralProgram? {
        guard status != program.status else { return nil }
        try checkStatus(status, from: program.status, settings: program.settings)
        var updated = program
        updated.status = status
        return updated
    }

    static func checkStatus(_ status: ProgramStatus, from current: ProgramStatus, settings: ProgramSettings) throws(ReferralError) {
        switch status {
        case .ACTIVE where settings.successfulReferralActions.isEmpty:
            throw .programNotReady("An active program needs at least one successful referral action.")
        case .PAUSED where current == .DRAFT:
            throw .programNotActive(current)
        default:
            break
        }
    }

    /// Every violation of the program's field rules, with request paths under `prefix`.
    public static func validate(_ settings: ProgramSettings, prefix: String) -> [ReferralError.FieldViolation] {
        var violations: [ReferralError.FieldViolation] = []
        if let name = settings.name, !(2...50).contains(name.count) {
            violations.append(
                .init(
                    field: "\(prefix).name", description: "must be 2 to 50 characters long",
                    violatedRule: name.count < 2 ? "MIN_LENGTH" : "MAX_LENGTH"))
        }
        if settings.successfulReferralActions.count > 100 {
            violations.append(
                .init(field: "\(prefix).successfulReferralActions", description: "must have at most 100 items", violatedRule: "MAX_SIZE"))
        }
        for (index, action) in settings.successfulReferralActions.enumerated() where action == .UNKNOWN {
            violations.append(
                .init(
                    field: "\(prefix).successfulReferralActions[\(index)]", description: "UNKNOWN is not an action",
                    violatedRule: "VALID_VALUE"))
        }
        for (index, app) in settings.emails.encourageToReferFriends.enumerated() where app == .UNKNOWN {
            violations.append(
                .init(
                    field: "\(prefix).emails.encourageToReferFriends[\(index)]", description: "UNKNOWN is not an app",
                    violatedRule: "VALID_VALUE"))
        }
        violations += validate(settings.referredFriendReward, path: "\(prefix).referredFriendReward")
        violations += validate(settings.referringCustomerReward, path: "\(prefix).referringCustomerReward")
        return violations
    }

    /// The rules of one reward: its options must match its type (a one-of), and a coupon's own rules.
    public static func validate(_ reward: Reward, path: String) -> [ReferralError.FieldViolation] {
        var violations: [ReferralError.FieldViolation] = []
        func violation(_ field: String, _ description: String, _ rule: String) {
            violations.append(.init(field: "\(path)\(field)", description: description, violatedRule: rule))
        }
        switch reward.type {
        case .UNKNOWN:
            violation(".type", "must be COUPON, LOYALTY_POINTS or NOTHING", "VALID_VALUE")
        case .COUPON:
            if reward.coupon == nil { violation(".couponOptions", "is required when type is COUPON", "REQUIRED_FIELD") }
            if reward.loyaltyPoints != nil { violation(".loyaltyPointsOptions", "must be absent when type is COUPON", "ONE_OF") }
        case .LOYALTY_POINTS:
            if reward.coupon != nil { violation(".couponOptions", "must be absent when type is LOYALTY_POINTS", "ONE_OF") }
            if let amount = reward.loyaltyPoints {
                if amount <= 0 || amount > maxLoyaltyPoints {
                    violation(".loyaltyPointsOptions.amount", "must be between 1 and \(maxLoyaltyPoints)", amount <= 0 ? "MIN" : "MAX")
                }
            } else {
                violation(".loyaltyPointsOptions.amount", "is required when type is LOYALTY_POINTS", "REQUIRED_FIELD")
            }
        case .NOTHING:
            if reward.coupon != nil { violation(".couponOptions", "must be absent when type is NOTHING", "ONE_OF") }
            if reward.loyaltyPoints != nil { violation(".loyaltyPointsOptions", "must be absent when type is NOTHING", "ONE_OF") }
        }
        if let coupon = reward.coupon {
            violations += validate(coupon, path: "\(path).couponOptions")
        }
        return violations
    }

    /// The coupon one-ofs: discount options match the discount type; scope xor minimum subtotal;
    /// discounted cycles only for pricing plans.
    public static func validate(_ coupon: CouponSpecification, path: String) -> [ReferralError.FieldViolation] {
        var violations: [ReferralError.FieldViolation] = []
        func violation(_ field: String, _ description: String, _ rule: String) {
            violations.append(.init(field: "\(path).\(field)", description: description, violatedRule: rule))
        }
        if let name = coupon.name, name.isEmpty || name.count > 80 {
            violation("name", "must be 1 to 80 characters long", name.isEmpty ? "MIN_LENGTH" : "MAX_LENGTH")
        }
        switch coupon.discountType {
        case .UNKNOWN:
            violation("discountType", "must be FIXED_AMOUNT, PERCENTAGE or FREE_SHIPPING", "VALID_VALUE")
        case .FIXED_AMOUNT:
            if let amount = coupon.fixedAmount {
                if !(amount > 0) || !amount.isFinite { violation("fixedAmountOptions.amount", "must be greater than 0", "MIN") }
            } else {
                violation("fixedAmountOptions", "is required when discountType is FIXED_AMOUNT", "REQUIRED_FIELD")
            }
            if coupon.percentage != nil { violation("percentageOptions", "must be absent when discountType is FIXED_AMOUNT", "ONE_OF") }
        case .PERCENTAGE:
            if let percentage = coupon.percentage {
                if !(percentage > 0 && percentage <= 100) {
                    violation("percentageOptions.percentage", "must be greater than 0 and at most 100", "RANGE")
                }
            } else {
                violation("percentageOptions", "is required when discountType is PERCENTAGE", "REQUIRED_FIELD")
            }
            if coupon.fixedAmount != nil { violation("fixedAmountOptions", "must be absent when discountType is PERCENTAGE", "ONE_OF") }
        case .FREE_SHIPPING:
            if coupon.fixedAmount != nil { violation("fixedAmountOptions", "must be absent when discountType is FREE_SHIPPING", "ONE_OF") }
            if coupon.percentage != nil { violation("percentageOptions", "must be absent when discountType is FREE_SHIPPING", "ONE_OF") }
        }
        if coupon.scope != nil && coupon.minimumSubtotal != nil {
            violation("minimumSubtotal", "can't be set together with scope", "ONE_OF")
        }
        if let subtotal = coupon.minimumSubtotal, !(subtotal >= 0) || !subtotal.isFinite {
            violation("minimumSubtotal", "must not be negative", "MIN")
        }
        if let scope = coupon.scope {
            if !couponNamespaces.contains(scope.namespace) {
                violation("scope.namespace", "must be one of \(couponNamespaces.sorted().joined(separator: ", "))", "VALID_VALUE")
            }
            if let group = scope.group, group.name.isEmpty {
                violation("scope.group.name", "must not be empty", "MIN_LENGTH")
            }
        }
        if let cycles = coupon.discountedCycleCount {
            if !(1...999).contains(cycles) {
                violation("discountedCycleCount", "must be between 1 and 999", cycles < 1 ? "MIN" : "MAX")
            }
            if coupon.scope?.namespace != "pricingPlans" {
                violation("discountedCycleCount", "is only allowed with the pricingPlans scope", "CUSTOM")
            }
        }
        return violations
    }
}
