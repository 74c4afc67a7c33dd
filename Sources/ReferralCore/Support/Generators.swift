import Foundation
import Synchronization

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

/// Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then 74 random bits,
/// so that new rows land at the end of primary-key indexes.
///
/// Ids made in the same millisecond by this process still increase (RFC 9562 §6.2, method 2):
/// the random bits of the previous id grow by a random step. The outbox relies on it: the
/// events of one transaction are delivered in id order, and a fast transaction writes several
/// within one millisecond.
public enum UUIDv7 {
    /// The previous id's milliseconds and random bits (12 high, 62 low).
    private struct Last {
        var millis: UInt64 = 0
        var high: UInt64 = 0
        var low: UInt64 = 0
    }

    private static let last = Mutex(Last())
    private static let lowLimit: UInt64 = 1 << 62
    private static let highLimit: UInt64 = 1 << 12

    /// A new id for now, ordered after every id this process made before (unless the clock
    /// stepped back by 10 s or more).
    public static func generate() -> UUID {
        let now = UInt64(max(0, Date().milliseconds))
        let (millis, high, low) = last.withLock { last -> (UInt64, UInt64, UInt64) in
            var generator = SecureRandom()
            // The same millisecond, or a clock that stepped back a little: continue after the
            // previous id.
            if now <= last.millis && last.millis - now < 10_000 {
                last.low += UInt64.random(in: 1...(1 << 24), using: &generator)
                if last.low >= lowLimit {
                    last.low -= lowLimit
                    last.high += 1
                }
                if last.high < highLimit { return (last.millis, last.high, last.low) }
                // 2^74 ids in one millisecond would be needed to get here; move to the next one.
                last.millis += 1
            } else {
                last.millis = now
            }
            (last.high, last.low) = freshRandom(&generator)
            return (last.millis, last.high, last.low)
        }
        return make(millis: millis, high: high, low: low)
    }

    /// An id for an explicit time (the seed command's back-dated rows, tests): random within
    /// its millisecond, and independent of the ids made for now.
    public static func generate(at date: Date) -> UUID {
        var generator = SecureRandom()
        let (high, low) = freshRandom(&generator)
        return make(millis: UInt64(max(0, date.milliseconds)), high: high, low: low)
    }

    /// Random bits with headroom below the top, so increments rarely carry.
    private static func freshRandom(_ generator: inout SecureRandom) -> (high: UInt64, low: UInt64) {
        (UInt64.random(in: 0..<highLimit, using: &generator) & 0x7FF, UInt64.random(in: 0..<lowLimit, using: &generator))
    }

    private static func make(millis: UInt64, high: UInt64, low: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: high >> 8)  // version 7
        bytes[7] = UInt8(truncatingIfNeeded: high)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: low >> 56)  // RFC variant, then 62 bits
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> (8 * (15 - index))) }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

extension UUID {
    /// The lowercase string form used on the wire and in storage. Formatted by hand: Foundation
    /// goes through `snprintf` and `lowercased()` copies again, on every id of every row.
    public var lowercased: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = Hex.digits[Int(byte >> 4)]
                    text[position + 1] = Hex.digits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// Parses a UUID in any case; nil for anything else.
    public init?(lowercasedOrAny text: String) {
        var text = text
        guard let value = text.withUTF8({ Self.parse($0) }) else { return nil }
        self.init(uuid: value)
    }

    /// `8-4-4-4-12` hexadecimal digits, either case.
    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var position = 0
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                guard utf8[position] == UInt8(ascii: "-") else { return nil }
                position += 1
            }
            guard let high = nibble(utf8[position]), let low = nibble(utf8[position + 1]) else { return nil }
            bytes[index] = high << 4 | low
            position += 2
        }
        return (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        )
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
