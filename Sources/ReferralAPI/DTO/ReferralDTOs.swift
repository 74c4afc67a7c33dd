import Foundation
import ReferralCore

struct ReferringCustomerDTO: Encodable, Sendable {
    var id: String
    var contactId: String
    var referralCode: String
    var revision: String
    var createdDate: String
    var updatedDate: String

    init(_ customer: ReferringCustomer) {
        id = customer.id.lowercased
        contactId = customer.contactID
        referralCode = customer.referralCode
        revision = String(customer.revision)
        createdDate = Timestamp.format(customer.createdDate)
        updatedDate = Timestamp.format(customer.updatedDate)
    }
}

struct ReferringCustomerEnvelope: Encodable, Sendable {
    var referringCustomer: ReferringCustomerDTO
}

struct ReferredFriendDTO: Encodable, Sendable {
    var id: String
    var contactId: String
    var referringCustomerId: String
    var status: String
    var revision: String
    var createdDate: String
    var updatedDate: String

    init(_ friend: ReferredFriend) {
        id = friend.id.lowercased
        contactId = friend.contactID
        referringCustomerId = friend.referringCustomerID.lowercased
        status = friend.status.rawValue
        revision = String(friend.revision)
        createdDate = Timestamp.format(friend.createdDate)
        updatedDate = Timestamp.format(friend.updatedDate)
    }
}

struct ReferredFriendEnvelope: Encodable, Sendable {
    var referredFriend: ReferredFriendDTO
}

/// `{"contactId": "..."}` for Generate Referring Customer For Contact.
struct GenerateReferringCustomerRequest: Decodable, Sendable {
    var contactId: String
}

/// Create Referred Friend in all its forms: a member's `{"referralCode"}`, and an API key's
/// `{"referredFriend": {"contactId", "referringCustomerId"}}` or `{"contactId", "referralCode"}`.
struct CreateReferredFriendRequest: Decodable, Sendable {
    struct Friend: Decodable, Sendable {
        var contactId: String?
        var referringCustomerId: String?
        var referralCode: String?
    }

    var referralCode: String?
    var contactId: String?
    var referringCustomerId: String?
    var referredFriend: Friend?

    var domain: CreateReferredFriend {
        CreateReferredFriend(
            contactID: referredFriend?.contactId ?? contactId,
            referralCode: referredFriend?.referralCode ?? referralCode,
            referringCustomerID: referredFriend?.referringCustomerId ?? referringCustomerId
        )
    }
}

/// `{"referredFriend": {"status", "revision"}}` for Update Referred Friend.
struct UpdateReferredFriendRequest: Decodable, Sendable {
    struct Friend: Decodable, Sendable {
        var status: EnumInput<FriendStatus>?
        var revision: RevisionInput?
    }

    var referredFriend: Friend
}

/// The body of every `POST …/query`: the query itself is parsed by the domain's query language.
struct QueryRequest: Decodable, Sendable {
    var query: JSONValue?
}

struct PagingMetadataDTO: Encodable, Sendable {
    struct Cursors: Encodable, Sendable {
        var next: String?
        var prev: String?
    }

    var count: Int
    var cursors: Cursors
    var hasNext: Bool

    init<Item>(_ page: QueryPage<Item>) {
        count = page.items.count
        cursors = Cursors(next: page.nextCursor, prev: page.prevCursor)
        hasNext = page.hasNext
    }
}

struct ReferringCustomersPage: Encodable, Sendable {
    var referringCustomers: [ReferringCustomerDTO]
    var metadata: PagingMetadataDTO
}

struct ReferredFriendsPage: Encodable, Sendable {
    var referredFriends: [ReferredFriendDTO]
    var metadata: PagingMetadataDTO
}

/// Deletes answer `{}`.
struct EmptyResponse: Encodable, Sendable {}

// The lookups and the queries of referring customers and referred friends are the hottest
// responses: written field by field (`CompactJSONWritable`), in the order of the properties
// above, which `Encodable` also follows (a test compares the two).

extension ReferringCustomerDTO: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("id", id)
            writer.member("contactId", contactId)
            writer.member("referralCode", referralCode)
            writer.member("revision", revision)
            writer.member("createdDate", createdDate)
            writer.member("updatedDate", updatedDate)
        }
    }
}

extension ReferringCustomerEnvelope: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in writer.member("referringCustomer", referringCustomer) }
    }
}

extension ReferredFriendDTO: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("id", id)
            writer.member("contactId", contactId)
            writer.member("referringCustomerId", referringCustomerId)
            writer.member("status", status)
            writer.member("revision", revision)
            writer.member("createdDate", createdDate)
            writer.member("updatedDate", updatedDate)
        }
    }
}

extension ReferredFriendEnvelope: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in writer.member("referredFriend", referredFriend) }
    }
}

extension PagingMetadataDTO: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.key("count")
            writer.integer(count)
            writer.key("cursors")
            writer.object { writer in
                writer.member("next", ifPresent: cursors.next)
                writer.member("prev", ifPresent: cursors.prev)
            }
            writer.key("hasNext")
            writer.bool(hasNext)
        }
    }
}

extension CompactJSONWriter {
    /// A query page: `{"<key>": [items], "metadata": {…}}`.
    mutating func page(_ key: StaticString, _ items: [some CompactJSONWritable], metadata: PagingMetadataDTO) {
        object { writer in
            writer.key(key)
            writer.array(of: items)
            writer.member("metadata", metadata)
        }
    }
}

extension ReferringCustomersPage: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.page("referringCustomers", referringCustomers, metadata: metadata)
    }
}

extension ReferredFriendsPage: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.page("referredFriends", referredFriends, metadata: metadata)
    }
}
