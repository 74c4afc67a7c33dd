/// A tenant. Every request works on exactly one site and data never crosses sites.
public struct SiteID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Validates a site id: 1 to 64 characters from `[A-Za-z0-9._-]`.
    public init(validating rawValue: String) throws(ReferralError) {
        guard Self.isValid(rawValue) else {
            throw .validation(
                field: "wix-site-id",
                "A site id is 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'.",
                rule: "FORMAT"
            )
        }
        self.rawValue = rawValue
    }

    public static func isValid(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 64 else { return false }
        return value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(validating: value)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
