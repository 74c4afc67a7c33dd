import Foundation

/// The sources of time, identity and randomness the services use, injected so tests are deterministic.
public struct Generators: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID
    public var referralCode: @Sendable () -> String
    public var couponCode: @Sendable () -> String

    public init(
        now: @escaping @Sendable () -> Date,
        newID: @escaping @Sendable () -> UUID,
        referralCode: @escaping @Sendable () -> String,
        couponCode: @escaping @Sendable () -> String = { CouponCode.generate() }
    ) {
        self.now = now
        self.newID = newID
        self.referralCode = referralCode
        self.couponCode = couponCode
    }

    /// The real clock, time-ordered UUIDv7 ids and cryptographically random codes.
    public static let live = Generators(
        now: { Timestamp.truncated(Date()) },
        newID: { UUIDv7.generate() },
        referralCode: { ReferralCode.generate() }
    )
}

/// Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits,
/// so that new rows land at the end of primary-key indexes.
public enum UUIDv7 {
    public static func generate(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.milliseconds))
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        for index in 6..<8 { bytes[index] = UInt8(truncatingIfNeeded: random.0 >> (8 * index)) }
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: random.1 >> (8 * (index - 8))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

extension UUID {
    /// The lowercase string form used on the wire and in storage.
    public var lowercased: String { uuidString.lowercased() }

    /// Parses a UUID in any case; nil for anything else.
    public init?(lowercasedOrAny text: String) {
        guard text.utf8.count == 36 else { return nil }
        self.init(uuidString: text)
    }
}
