/// Lower-case hexadecimal text of bytes. `String(format: "%02x")` per byte goes through
/// Foundation's format parser and cost a fifth of a request's CPU when hashing API keys.
public enum Hex {
    /// The sixteen digits as UTF-8, for writers that place them by hand.
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
