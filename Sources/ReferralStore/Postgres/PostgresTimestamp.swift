import Foundation
import NIOCore
import PostgresNIO

/// A `timestamptz` value carried as exact whole milliseconds. PostgresNIO encodes `Date`
/// through floating-point seconds, which can land a microsecond below the instant; keyset
/// cursors compare stored values with bound ones, so both must be exact.
struct PostgresTimestamp: PostgresNonThrowingEncodable, PostgresDecodable, Codable, Sendable {
    /// Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
    static let epochOffsetMicroseconds: Int64 = 946_684_800_000_000

    let milliseconds: Int64

    init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(milliseconds * 1000 - Self.epochOffsetMicroseconds)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .timestamptz || type == .timestamp, let micros = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        let sinceUnix = micros + Self.epochOffsetMicroseconds
        // Floor division, so instants before 1970 stay on the right millisecond.
        milliseconds = sinceUnix >= 0 ? sinceUnix / 1000 : (sinceUnix - 999) / 1000
    }

    /// Plain `Decodable`, which `SQLRow.decode` asks for; PostgresKit takes the fast path above.
    init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Date.self).milliseconds
    }

    /// Plain `Encodable` (for SQLKit's generic bind path); PostgresKit takes the fast path above.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Date(milliseconds: milliseconds))
    }
}
