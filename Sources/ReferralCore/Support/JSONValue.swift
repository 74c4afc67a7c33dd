import Foundation

/// An arbitrary JSON value, for inputs whose shape is only known at run time
/// (query filters) and for opaque snapshots.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in error messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// An object's member as `decodeIfPresent` reads an optional field: `.some(nil)` when it is
    /// absent or null, `.some(value)` when `read` takes it, and nil (a mismatch `Codable` would
    /// throw for) when `read` doesn't or when this isn't an object.
    public func optionalMember<T>(_ key: String, _ read: (JSONValue) -> T?) -> T?? {
        guard case .object(let members) = self else { return nil }
        switch members[key] {
        case .none, .some(.null): return .some(nil)
        case .some(let value): return read(value).map { .some($0) } ?? nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// An integral number, if this is one that fits `Int`.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value,
            value >= Double(Int.min), value <= Double(Int.max)
        else { return nil }
        return Int(value)
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
