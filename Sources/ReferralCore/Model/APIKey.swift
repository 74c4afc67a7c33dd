import Foundation

/// An integrator's API key. Only its SHA-256 hash is stored; the key itself is shown once.
public struct APIKey: Sendable, Hashable {
    public var id: UUID
    public var name: String
    /// The first characters of the key, shown in listings so operators can tell keys apart.
    public var prefix: String
    public var hash: String
    /// nil: valid for every site.
    public var site: SiteID?
    public var permissions: [String]
    public var createdDate: Date
    public var revokedDate: Date?

    public init(
        id: UUID, name: String, prefix: String, hash: String, site: SiteID?, permissions: [String],
        createdDate: Date, revokedDate: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.site = site
        self.permissions = permissions
        self.createdDate = createdDate
        self.revokedDate = revokedDate
    }
}
