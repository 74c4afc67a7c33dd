/// Referral codes: 12 characters from `[A-Za-z0-9]`, drawn from a cryptographic random source.
public enum ReferralCode {
    public static let length = 12
    public static let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random code, drawn uniformly from the kernel's cryptographic source
    /// (`SecureRandom`), so codes can't be predicted.
    public static func generate() -> String {
        SecureRandom.text(length: length, from: alphabet)
    }

    /// Whether `code` has the shape of a referral code.
    public static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == length
            && code.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            }
    }
}
