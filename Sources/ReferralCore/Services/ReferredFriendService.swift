import Foundation

/// How a referred friend is to be created.
public struct CreateReferredFriend: Sendable, Hashable {
    /// The friend's contact; only an API key names it (a member is always themselves).
    public var contactID: String?
    public var referralCode: String?
    /// [ext] An API key may name the referrer directly, as the Wix sample flows do.
    public var referringCustomerID: String?

    public init(contactID: String? = nil, referralCode: String? = nil, referringCustomerID: String? = nil) {
        self.contactID = contactID
        self.referralCode = referralCode
        self.referringCustomerID = referringCustomerID
    }
}

/// Referred friends: create (member or API key), get, get by contact, update status, delete, query.
public struct ReferredFriendService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    let cursors: CursorCodec

    public func create(_ caller: Caller, _ request: CreateReferredFriend) async throws -> ReferredFriend {
        let contactID: String
        let referrerKey: ReferrerKey
        switch caller.identity {
        case .member(let own, let scopedCode):
            contactID = own
            guard let code = request.referralCode ?? scopedCode else {
                throw ReferralError.validation(
                    field: "referralCode", "is required: send it in the body or mint the token with a referralCode claim",
                    rule: "REQUIRED_FIELD"
                )
            }
            referrerKey = .code(code)
        case .visitor:
            throw ReferralError.permissionDenied("Only a member can become a referred friend; log in first.")
        case .apiKey:
            try caller.requireAdmin(.manageReferredFriends)
            guard let requested = request.contactID else {
                throw ReferralError.validation(field: "referredFriend.contactId", "is required with an API key", rule: "REQUIRED_FIELD")
            }
            contactID = requested
            if let id = request.referringCustomerID {
                referrerKey = .id(id)
            } else if let code = request.referralCode {
                referrerKey = .code(code)
            } else {
                throw ReferralError.validation(
                    field: "referredFriend.referringCustomerId", "or referralCode is required", rule: "REQUIRED_FIELD"
                )
            }
        }
        try validateContactID(contactID, field: caller.isAPIKey ? "referredFriend.contactId" : "contactId")
        let site = caller.site
        let generators = self.generators
        return try await store.write { tx in
            let referrer = try await referrerKey.resolve(site: site, in: tx)
            let program = try await ProgramService.provision(site, in: tx, generators: generators)
            guard program.status == .ACTIVE else { throw ReferralError.programNotActive(program.status) }
            let own = try await tx.referringCustomers.find(contactID: contactID, site: site)
            var existing = try await tx.referredFriends.find(contactID: contactID, site: site)
            for _ in 0..<2 {
                switch FriendEligibility.decide(
                    contactID: contactID, referrer: referrer, ownReferringCustomer: own, existingFriend: existing)
                {
                case .alreadyReferred(let friend):
                    return friend
                case .notEligible(let reason):
                    throw ReferralError.memberNotEligible(reason)
                case .eligible:
                    let now = generators.now()
                    let friend = ReferredFriend(
                        id: generators.newID(), site: site, contactID: contactID, referringCustomerID: referrer.id,
                        status: .SIGN_UP_COMPLETED, revision: 1, createdDate: now, updatedDate: now
                    )
                    switch try await tx.referredFriends.insert(friend) {
                    case .inserted:
                        try await ChangeEvent.record(.created, .referredFriend(friend), sequence: 1, in: tx, generators: generators)
                        try await ReferralEngine.friendSignedUp(friend, program: program, in: tx, generators: generators)
                        return friend
                    case .duplicate(let winner):
                        existing = winner  // a concurrent create won: decide again against its record
                    case .collision:
                        throw StoreInvariantError("referred friend id collision")
                    }
                }
            }
            throw StoreInvariantError("referred friend of \(contactID) neither inserted nor found")
        }
    }

    public func get(_ caller: Caller, id: String) async throws -> ReferredFriend {
        try caller.requireAdmin(.readReferredFriends)
        let uuid = try parseEntityID(id, notFound: ReferralError.referredFriendNotFound)
        guard let friend = try await store.read({ try await $0.referredFriends.find(id: uuid, site: caller.site) }) else {
            throw ReferralError.referredFriendNotFound(id)
        }
        return friend
    }

    /// By contact; a member may read their own record (`me` or their own contact id).
    public func get(_ caller: Caller, contactID requested: String) async throws -> ReferredFriend {
        let contactID = try caller.resolveContact(requested, field: "contactId")
        switch caller.identity {
        case .apiKey: try caller.requireAdmin(.readReferredFriends)
        case .member(let own, _):
            guard own == contactID else { throw ReferralError.permissionDenied("A member can only read their own referred-friend record.") }
        case .visitor: throw ReferralError.permissionDenied("A visitor has no referred-friend record.")
        }
        guard let friend = try await store.read({ try await $0.referredFriends.find(contactID: contactID, site: caller.site) }) else {
            throw ReferralError.notFound(
                "REFERRED_FRIEND_NOT_FOUND", "No referred friend for contact \(contactID).", id: contactID
            )
        }
        return friend
    }

    /// Only `status` is writable; the revision must match.
    public func update(_ caller: Caller, id: String, status: FriendStatus?, revision: Int64?) async throws -> ReferredFriend {
        try caller.requireAdmin(.manageReferredFriends)
        guard let revision else {
            throw ReferralError.validation(field: "referredFriend.revision", "is required", rule: "REQUIRED_FIELD")
        }
        if let status { try FriendRules.validateStatus(status, field: "referredFriend.status") }
        let uuid = try parseEntityID(id, notFound: ReferralError.referredFriendNotFound)
        let generators = self.generators
        return try await store.write { tx in
            guard let current = try await tx.referredFriends.find(id: uuid, site: caller.site) else {
                throw ReferralError.referredFriendNotFound(id)
            }
            guard revision == current.revision else {
                throw ReferralError.revisionMismatch(expected: revision, actual: current.revision)
            }
            guard let status, status != current.status else { return current }
            var next = current
            next.status = status
            next.revision += 1
            next.updatedDate = generators.now()
            guard try await tx.referredFriends.update(next, expectedRevision: current.revision) else {
                throw ReferralError.revisionMismatch(expected: revision, actual: current.revision + 1)
            }
            try await ChangeEvent.record(.updated, .referredFriend(next), sequence: next.revision, in: tx, generators: generators)
            return next
        }
    }

    public func delete(_ caller: Caller, id: String, revision: Int64?) async throws {
        try caller.requireAdmin(.manageReferredFriends)
        let uuid = try parseEntityID(id, notFound: ReferralError.referredFriendNotFound)
        let generators = self.generators
        try await store.write { tx in
            guard let friend = try await tx.referredFriends.find(id: uuid, site: caller.site) else {
                throw ReferralError.referredFriendNotFound(id)
            }
            if let revision, revision != friend.revision {
                throw ReferralError.revisionMismatch(expected: revision, actual: friend.revision)
            }
            guard try await tx.referredFriends.delete(id: uuid, site: caller.site, expectedRevision: friend.revision, at: generators.now())
            else {
                throw ReferralError.revisionMismatch(expected: friend.revision, actual: friend.revision + 1)
            }
            try await ChangeEvent.record(.deleted, .referredFriend(friend), sequence: friend.revision + 1, in: tx, generators: generators)
        }
    }

    public func query(_ caller: Caller, _ query: JSONValue?) async throws -> QueryPage<ReferredFriend> {
        try caller.requireAdmin(.readReferredFriends)
        let parsed = try QueryParser.parse(query, schema: .referredFriends, cursors: cursors)
        let rows = try await store.read { try await $0.referredFriends.query(parsed, site: caller.site) }
        return QueryPager.page(parsed, fetched: rows, schema: .referredFriends, cursors: cursors) { friend in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "referringCustomerId": .string(friend.referringCustomerID.lowercased)
                case "status": .string(friend.status.rawValue)
                case "contactId": .string(friend.contactID)
                case "createdDate": .timestamp(friend.createdDate.milliseconds)
                case "updatedDate": .timestamp(friend.updatedDate.milliseconds)
                default: .string(friend.id.lowercased)
                }
            }
        }
    }
}

/// How a create names the referrer: by code (members, API keys) or by id (API keys).
enum ReferrerKey: Sendable {
    case code(String)
    case id(String)

    func resolve(site: SiteID, in tx: any StoreTransaction) async throws -> ReferringCustomer {
        switch self {
        case .code(let code):
            guard ReferralCode.isWellFormed(code), let customer = try await tx.referringCustomers.find(referralCode: code, site: site)
            else {
                throw ReferralError.referralCodeNotFound(code)
            }
            return customer
        case .id(let text):
            guard let id = UUID(lowercasedOrAny: text), let customer = try await tx.referringCustomers.find(id: id, site: site) else {
                throw ReferralError.referringCustomerNotFound(text)
            }
            return customer
        }
    }
}
