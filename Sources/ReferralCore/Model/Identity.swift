/// A fine-grained permission, as Wix names them per method.
public enum Permission: String, Sendable, Codable, CaseIterable, Hashable {
    case readProgram = "REFERRALS.READ_PROGRAM"
    case manageProgram = "REFERRALS.MANAGE_PROGRAM"
    case manageReferringCustomers = "REFERRALS.MANAGE_REFERRING_CUSTOMERS"
    case createOwnReferredFriend = "REFERRALS.CREATE_OWN_REFERRED_FRIEND"
    case readReferredFriends = "REFERRALS.READ_REFERRED_FRIENDS"
    case manageReferredFriends = "REFERRALS.MANAGE_REFERRED_FRIENDS"
    case readRewards = "REFERRALS.READ_REWARDS"
    case readReferralEvents = "REFERRALS.READ_REFERRAL_EVENTS"
    case manageReferralEvents = "REFERRALS.MANAGE_REFERRAL_EVENTS"
    case readReferralStatistics = "REFERRALS.READ_REFERRAL_STATISTICS"
    case manageWebhooks = "REFERRALS.MANAGE_WEBHOOKS"

    /// The Wix app scope that grants every permission.
    public static let allScope = "SCOPE.DC-REFERRALS.MANAGE-REFERRALS"

    /// Expands permission names (fine-grained IDs or the all-permissions scope) into a set.
    /// Unknown names are reported so that a typo never silently grants nothing.
    public static func parse(_ names: [String]) throws(ReferralError) -> Set<Permission> {
        var result: Set<Permission> = []
        for name in names {
            if name == allScope {
                result.formUnion(Permission.allCases)
            } else if let permission = Permission(rawValue: name) {
                result.insert(permission)
            } else {
                throw .validation(field: "permissions", "Unknown permission '\(name)'.", rule: "VALID_VALUE")
            }
        }
        return result
    }
}

/// Who is calling.
public enum Identity: Sendable, Hashable {
    /// An integrator's API key (the Wix "app / admin" identity).
    case apiKey(id: String, permissions: Set<Permission>)
    /// A logged-in site member, from a token the integrator minted.
    case member(contactID: String, referralCode: String?)
    /// An anonymous visitor, from a token the integrator minted.
    case visitor(visitorID: String, referralCode: String?)
}

/// An authenticated caller working on one site.
public struct Caller: Sendable, Hashable {
    public var site: SiteID
    public var identity: Identity

    public init(site: SiteID, identity: Identity) {
        self.site = site
        self.identity = identity
    }

    /// Admin methods: an API key holding `permission`.
    public func requireAdmin(_ permission: Permission) throws(ReferralError) {
        guard case .apiKey(_, let permissions) = identity else {
            throw .permissionDenied("This method needs an API key; member and visitor tokens can't call it.")
        }
        guard permissions.contains(permission) else {
            throw .permissionDenied("The API key lacks the permission \(permission.rawValue).")
        }
    }

    /// The calling member's contact id; 403 for any other identity.
    public func requireMember() throws(ReferralError) -> String {
        switch identity {
        case .member(let contactID, _): return contactID
        case .visitor: throw .permissionDenied("A visitor can't do this; log in as a member first.")
        case .apiKey: throw .permissionDenied("This method needs a member token.")
        }
    }

    /// Resolves the `"me"` pseudo-ID to the calling member's contact; other ids pass through.
    /// `field` names the input for the 400 an API key gets, since an API key has no contact.
    public func resolveContact(_ contactID: String, field: String) throws(ReferralError) -> String {
        guard contactID == "me" else { return contactID }
        switch identity {
        case .member(let contactID, _): return contactID
        case .visitor(let visitorID, _): return visitorID
        case .apiKey:
            throw .validation(field: field, "\"me\" needs a member identity; an API key has no contact.", rule: "CUSTOM")
        }
    }

    /// The referral code captured in the caller's token ("code via scope"), if any.
    public var scopedReferralCode: String? {
        switch identity {
        case .member(_, let code), .visitor(_, let code): return code
        case .apiKey: return nil
        }
    }

    public var isAPIKey: Bool {
        if case .apiKey = identity { return true }
        return false
    }
}
