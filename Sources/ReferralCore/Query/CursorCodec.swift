import Crypto
import Foundation

/// Encodes and verifies opaque keyset cursors.
///
/// A cursor is `base64url(JSON payload) + "." + base64url(HMAC-SHA256(key, payload))`. The payload carries
/// everything needed to continue the query (resource, filter, sort, limit, boundary values and direction),
/// so the server keeps no state; the MAC makes any edit or forgery detectable.
public struct CursorCodec: Sendable {
    private let key: SymmetricKey

    public init(key: [UInt8]) {
        precondition(!key.isEmpty, "a cursor key must not be empty")
        self.key = SymmetricKey(data: key)
    }

    /// The signed payload. Short keys keep cursors compact; `v` lets the format change later.
    private struct Payload: Codable {
        var v: Int
        var r: String
        var f: Filter?
        var s: [SortKey]
        var l: Int
        var p: CursorPosition
    }

    private static let version = 1

    /// A cursor that continues `query` (its filter, sort and limit) from `position`.
    public func encode(_ query: ParsedQuery, at position: CursorPosition, schema: QuerySchema) -> String {
        precondition(position.values.count == query.sort.count, "one cursor value per sort key")
        let payload = Payload(
            v: Self.version, r: schema.resource, f: query.filter, s: query.sort, l: query.limit, p: position)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Plain strings, integers and enums can't fail to encode; a failure would be a programming error.
        guard let bytes = try? encoder.encode(payload) else { preconditionFailure("cursor payload failed to encode") }
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        return Self.base64url(bytes) + "." + Self.base64url(Data(mac))
    }

    /// The query a cursor continues, with its position. Any malformed, altered, forged or
    /// other-resource cursor is `invalidCursor`, without saying which, to give forgers no oracle.
    public func decode(_ token: String, schema: QuerySchema) throws(ReferralError) -> ParsedQuery {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let bytes = Self.data(base64url: parts[0]),
            let mac = Self.data(base64url: parts[1]),
            mac.count == SHA256.byteCount,
            // Constant-time comparison, so timing reveals nothing about the expected MAC.
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: bytes, using: key)
        else { throw .invalidCursor() }

        guard let payload = try? JSONDecoder().decode(Payload.self, from: bytes),
            payload.v == Self.version,
            payload.r == schema.resource,
            (1...QueryParser.maxLimit).contains(payload.l),
            payload.s.last?.field == QuerySchema.idField,
            payload.p.values.count == payload.s.count,
            payload.s.dropLast().allSatisfy({ schema.field(named: $0.field)?.sortable == true })
        else { throw .invalidCursor() }
        return ParsedQuery(filter: payload.f, sort: payload.s, limit: payload.l, position: payload.p)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Strict base64url without padding: any other character is rejected rather than skipped.
    static func data(base64url text: Substring) -> Data? {
        guard !text.isEmpty, text.utf8.allSatisfy(Self.isBase64URL) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standard.count % 4 == 1 { return nil }
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
