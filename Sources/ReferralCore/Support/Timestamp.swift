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
    public static func format(_ date: Date) -> String {
        date.formatted(formatStyle)
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
    /// Whole milliseconds since 1970-01-01T00:00:00Z (rounded toward negative infinity).
    public var milliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }

    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
