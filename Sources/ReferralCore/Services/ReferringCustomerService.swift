import Foundation

/// Referring customers: generate (create-or-return), get, get by code, query, delete.
public struct ReferringCustomerService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    let cursors: CursorCodec

    /// How often a colliding code is redrawn before giving up (a collision of 62^12 codes is
    /// already astronomically rare; repeated ones mean the generator is broken).
    static let codeAttempts = 8

    /// Creates the contact's referring customer, or returns the existing one. An API key may
    /// generate for any contact; a member only for themselves (`"me"` or their own contact id).
    public func generate(_ caller: Caller, contactID requested: String) async throws -> ReferringCustomer {
        let contactID: String
        switch caller.identity {
        case .apiKey:
            try caller.requireAdmin(.manageReferringCustomers)
            contactID = try caller.resolveContact(requested, field: "contactId")
        case .member(let own, _):
            contactID = try caller.resolveContact(requested, field: "contactId")
            guard contactID == own else {
                throw ReferralError.permissionDenied("A member can only generate their own referring customer.")
            }
        case .visitor:
            throw ReferralError.permissionDenied("A visitor can't become a referring customer; log in as a member first.")
        }
        try validateContactID(contactID, field: "contactId")
        let site = caller.site
        // The idempotent path needs no write lock.
        if let existing = try await store.read({ try await $0.referringCustomers.find(contactID: contactID, site: site) }) {
            return existing
        }
        let generators = self.generators
        return try await store.write { tx in
            // A customer made for the contact since the read above makes the insert a duplicate.
            let now = generators.now()
            for _ in 0..<Self.codeAttempts {
                let customer = ReferringCustomer(
                    id: generators.newID(), site: site, contactID: contactID, referralCode: generators.referralCode(),
                    revision: 1, createdDate: now, updatedDate: now
                )
                switch try await tx.referringCustomers.insert(customer) {
                case .inserted:
                    try await ChangeEvent.record(.created, .referringCustomer(customer), sequence: 1, in: tx, generators: generators)
                    try await tx.statistics.customerCreated(customer)
                    return customer
                case .duplicate(let existing):
                    return existing
                case .collision:
                    continue
                }
            }
            throw StoreInvariantError("\(Self.codeAttempts) referral code collisions in a row")
        }
    }

    public func get(_ caller: Caller, id: String) async throws -> ReferringCustomer {
        try caller.requireAdmin(.manageReferringCustomers)
        let uuid = try parseEntityID(id, notFound: ReferralError.referringCustomerNotFound)
        guard let customer = try await store.read({ try await $0.referringCustomers.find(id: uuid, site: caller.site) }) else {
            throw ReferralError.referringCustomerNotFound(id)
        }
        return customer
    }

    /// Exact, case-sensitive lookup of a referral code.
    public func get(_ caller: Caller, referralCode: String) async throws -> ReferringCustomer {
        try caller.requireAdmin(.manageReferringCustomers)
        guard ReferralCode.isWellFormed(referralCode),
            let customer = try await store.read({ try await $0.referringCustomers.find(referralCode: referralCode, site: caller.site) })
        else {
            throw ReferralError.referralCodeNotFound(referralCode)
        }
        return customer
    }

    public func query(_ caller: Caller, _ query: JSONValue?) async throws -> QueryPage<ReferringCustomer> {
        try caller.requireAdmin(.manageReferringCustomers)
        let parsed = try QueryParser.parse(query, schema: .referringCustomers, cursors: cursors)
        let rows = try await store.read { try await $0.referringCustomers.query(parsed, site: caller.site) }
        return QueryPager.page(parsed, fetched: rows, schema: .referringCustomers, cursors: cursors) { customer in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "contactId": .string(customer.contactID)
                case "referralCode": .string(customer.referralCode)
                case "createdDate": .timestamp(customer.createdDate.milliseconds)
                case "updatedDate": .timestamp(customer.updatedDate.milliseconds)
                default: .string(customer.id.lowercased)
                }
            }
        }
    }

    /// Deletes the referring customer; its friends and rewards stay, and its code is never reissued.
    public func delete(_ caller: Caller, id: String, revision: Int64?) async throws {
        try caller.requireAdmin(.manageReferringCustomers)
        let uuid = try parseEntityID(id, notFound: ReferralError.referringCustomerNotFound)
        let generators = self.generators
        try await store.write { tx in
            guard let customer = try await tx.referringCustomers.find(id: uuid, site: caller.site) else {
                throw ReferralError.referringCustomerNotFound(id)
            }
            if let revision, revision != customer.revision {
                throw ReferralError.revisionMismatch(expected: revision, actual: customer.revision)
            }
            guard
                try await tx.referringCustomers.delete(
                    id: uuid, site: caller.site, expectedRevision: customer.revision, at: generators.now())
            else {
                throw ReferralError.revisionMismatch(expected: customer.revision, actual: customer.revision + 1)
            }
            try await ChangeEvent.record(
                .deleted, .referringCustomer(customer), sequence: customer.revision + 1, in: tx, generators: generators
            )
            try await tx.statistics.customerDeleted(id: uuid, site: caller.site)
        }
    }
}
