import Crypto
import Foundation
import ReferralCore
import Testing

@Suite("CursorCodec")
struct CursorCodecTests {
    static let query = ParsedQuery(
        filter: .and([cmp("contactId", .startsWith, "c-"), cmp("createdDate", .gte, time: "2024-01-01T00:00:00Z")]),
        sort: [SortKey(field: "referralCode", descending: true), SortKey(field: "id", descending: true)],
        limit: 7)
    static let position = CursorPosition(values: [.string("CODE-9"), .string("rc-42")], direction: .after)

    private func token(_ position: CursorPosition = position, schema: QuerySchema = .referringCustomers) -> String {
        testCursors.encode(Self.query, at: position, schema: schema)
    }

    @Test(arguments: [CursorPosition.Direction.after, .before])
    func roundTrip(_ direction: CursorPosition.Direction) throws {
        let position = CursorPosition(values: [.string("CODE-9"), .string("rc-42")], direction: direction)
        let decoded = try testCursors.decode(token(position), schema: .referringCustomers)
        var expected = Self.query
        expected.position = position
        #expect(decoded == expected)
    }

    @Test func timestampValuesRoundTrip() throws {
        let query = ParsedQuery(filter: nil, sort: [SortKey(field: "createdDate"), SortKey(field: "id")], limit: 50)
        let position = CursorPosition(values: [.timestamp(-5), .string("x")], direction: .before)
        let decoded = try testCursors.decode(
            testCursors.encode(query, at: position, schema: .referredFriends), schema: .referredFriends)
        #expect(decoded.position == position)
        #expect(decoded.sort == query.sort)
    }

    @Test func tokenIsURLSafe() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        #expect(token().allSatisfy(allowed.contains))
    }

    @Test func tamperedPayloadIsRejected() throws {
        let parts = token().split(separator: ".").map(String.init)
        var payload = try #require(base64urlDecode(parts[0]))
        // Change the page size inside the JSON but keep the old signature.
        let text = try #require(String(data: payload, encoding: .utf8))
        #expect(text.contains(#""l":7"#))
        payload = Data(text.replacingOccurrences(of: #""l":7"#, with: #""l":8"#).utf8)
        expectInvalid(base64url(payload) + "." + parts[1])
    }

    @Test func tamperedSignatureIsRejected() throws {
        let parts = token().split(separator: ".").map(String.init)
        var mac = try #require(base64urlDecode(parts[1]))
        mac[0] ^= 0x01
        expectInvalid(parts[0] + "." + base64url(mac))
        // A truncated signature and a swapped-in signature of another cursor fail too.
        expectInvalid(parts[0] + "." + base64url(mac.prefix(16)))
        let other = token(CursorPosition(values: [.string("A"), .string("B")], direction: .after))
        expectInvalid(parts[0] + "." + other.split(separator: ".")[1])
    }

    @Test func cursorSignedWithAnotherKeyIsRejected() {
        let foreign = CursorCodec(key: Array("another-key".utf8)).encode(Self.query, at: Self.position, schema: .referringCustomers)
        expectInvalid(foreign)
    }

    @Test(arguments: ["", ".", "abc", "a.b.c", "!!!.@@@", "eyJ2IjoxfQ.", ".c2ln", "eyJ2IjoxfQ==.c2ln", "e30.e30", "a b.c d"])
    func garbageIsRejected(_ garbage: String) {
        expectInvalid(garbage)
    }

    @Test(arguments: ["not json", "{}", #"{"v":1,"r":"referringCustomers"}"#, "[1,2,3]"])
    func validlySignedJunkIsRejected(_ payload: String) {
        let bytes = Data(payload.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Array("test-cursor-key-0123456789abcdef".utf8)))
        expectInvalid(base64url(bytes) + "." + base64url(Data(mac)))
    }

    @Test func cursorOfAnotherResourceIsRejected() {
        expectInvalid(token(schema: .referredFriends), schema: .referringCustomers)
        expectInvalid(token(schema: .referringCustomers), schema: .referredFriends)
    }

    @Test func cursorRequestIgnoresNewFilterAndSort() throws {
        let query = try parse(
            #"{"filter": {"referralCode": "OTHER"}, "sort": [{"fieldName": "createdDate"}], "cursorPaging": {"cursor": "\#(token())"}}"#)
        #expect(query.filter == Self.query.filter)
        #expect(query.sort == Self.query.sort)
        #expect(query.limit == 7)
        #expect(query.position == Self.position)
        // Even an invalid filter is ignored, since it isn't used.
        let ignored = try parse(#"{"filter": {"bogus": 1}, "cursorPaging": {"cursor": "\#(token())"}}"#)
        #expect(ignored.filter == Self.query.filter)
    }

    @Test func cursorRequestHonoursNewLimit() throws {
        let query = try parse(#"{"cursorPaging": {"cursor": "\#(token())", "limit": 3}}"#)
        #expect(query.limit == 3)
        #expect(query.position == Self.position)
        #expect(throws: ReferralError.self) { try parse(#"{"cursorPaging": {"cursor": "\#(token())", "limit": 500}}"#) }
    }

    @Test func parserReportsForgedCursorAsInvalidCursor() {
        let error = #expect(throws: ReferralError.self) { try parse(#"{"cursorPaging": {"cursor": "bm9wZQ.bm9wZQ"}}"#) }
        #expect(error == .invalidCursor())
    }

    private func expectInvalid(
        _ token: String, schema: QuerySchema = .referringCustomers, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: ReferralError.self, sourceLocation: sourceLocation) {
            try testCursors.decode(token, schema: schema)
        }
        #expect(error == .invalidCursor(), sourceLocation: sourceLocation)
    }
}

func base64url(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func base64urlDecode(_ text: String) -> Data? {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
    return Data(base64Encoded: standard)
}
