import Foundation

/// A money amount as reported by integrators: a non-negative decimal string with at most four
/// fractional digits. Kept as the text the integrator sent (for the event) and as an exact
/// integer count of ten-thousandths (for sums), so totals never suffer floating-point error.
public struct DecimalAmount: Sendable, Hashable, Codable {
    public static let scale: Int64 = 10_000
    /// A billion per action: more than any order, and small enough that nearly a million
    /// maximal orders still sum within an Int64 of ten-thousandths.
    public static let maximumUnits: Int64 = 1_000_000_000 * scale

    public let text: String
    /// The amount in ten-thousandths (`"12.5"` → 125000).
    public let units: Int64

    /// Parses `"12"`, `"12.5"`, `"815.00"`; rejects signs, exponents, more than four decimals.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.utf8.count <= 10, whole.allSatisfy(\.isASCIIDigit) else {
            return nil
        }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.utf8.count <= 4, fraction.allSatisfy(\.isASCIIDigit) else {
            return nil
        }
        while fraction.utf8.count < 4 { fraction += "0" }
        guard let wholeUnits = Int64(whole), let fractionUnits = Int64(fraction) else { return nil }
        let units = wholeUnits * Self.scale + fractionUnits
        guard units <= Self.maximumUnits else { return nil }
        self.text = trimmed
        self.units = units
    }

    /// Formats a count of ten-thousandths with two decimals, rounding half away from zero
    /// (`"815.00"`), as Wix shows statistics.
    public static func formatTwoDecimals(units: Int64) -> String {
        let cents = (units + (units >= 0 ? 50 : -50)) / 100
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
