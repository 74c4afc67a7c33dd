import Foundation

/// Wire timestamps: RFC 3339 in UTC with milliseconds and `Z` (`2024-08-12T08:12:17.813Z`).
///
/// Stored and compared as whole milliseconds since the Unix epoch, so that what is written,
/// read back and sent on the wire is always the same instant.
public enum Timestamp {
    /// Truncates a date to whole milliseconds.
    public static func truncated(_ date: Date) -> Date {
        Date(milliseconds: date.milliseconds)
    }

    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.sssZ`.
    ///
    /// Works on whole milliseconds with integer arithmetic: going through the floating-point
    /// seconds of `Date` would print `.812` for an instant stored as `.813`.
    public static func format(_ date: Date) -> String {
        format(milliseconds: date.milliseconds)
    }

    public static func format(milliseconds: Int64) -> String {
        let (days, msOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (dayNumber, ms) = msOfDay < 0 ? (days - 1, msOfDay + 86_400_000) : (days, msOfDay)
        let (year, month, day) = civil(fromDays: dayNumber)
        let seconds = ms / 1000
        guard (0...9999).contains(year) else {
            func pad(_ value: Int64, _ width: Int) -> String {
                let text = String(value)
                return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
            }
            return
                "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(ms % 1000, 3))Z"
        }
        // Every response carries a few of these (a page of 50 friends, 100): written into one
        // buffer, digit by digit, instead of a dozen small strings.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func digits(_ value: Int64, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                    value /= 10
                }
            }
            digits(year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            digits(month, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            digits(day, 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            digits(seconds / 3600, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            digits(seconds / 60 % 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            digits(seconds % 60, 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            digits(ms % 1000, 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Year, month, day of a day number counted from 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, in UTC (`Z`) or with an offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? formatStyle.parse(text) { return date }
        if let date = try? plainStyle.parse(text) { return date }
        return nil
    }

    private static let formatStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: .gmt)
}

extension Date {
    /// Whole milliseconds since 1970-01-01T00:00:00Z. Rounded to the nearest millisecond
    /// first when within ten microseconds of one, so that `Date(milliseconds:)` round-trips even
    /// though its Double seconds can't hold `.813` exactly; otherwise truncated.
    public var milliseconds: Int64 {
        let scaled = timeIntervalSince1970 * 1000
        let nearest = scaled.rounded()
        return abs(scaled - nearest) < 0.01 ? Int64(nearest) : Int64(scaled.rounded(.down))
    }

    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
