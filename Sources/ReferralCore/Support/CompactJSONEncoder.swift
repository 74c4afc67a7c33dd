import Foundation

/// Encodes values to compact JSON bytes: the same values and scalar forms as Foundation's
/// `JSONEncoder` with `.withoutEscapingSlashes` and `.millisecondsSince1970` dates, object keys
/// in declaration order (Foundation's order varies between processes), and several times
/// faster. The API writes its responses with it and the store its JSON documents.
///
/// Foundation checks every value against the types it special-cases (`Date`, `Data`, `URL`,
/// `Decimal`, dictionaries) with dynamic casts and builds a boxed tree before writing it; for
/// the small DTOs of a lookup that was more CPU than the database read, and for the snapshots
/// of a write a tenth of the single SQLite writer's time. Here values go into a light tree of
/// enum nodes and are written in one pass: scalars are stored in their parent's array (only
/// objects and arrays are allocated), the common value types are recognised by comparing
/// metatypes rather than by dynamic casts, and the coding path is built only when asked for. Strings, numbers, booleans, optionals, arrays,
/// string-keyed dictionaries, nested objects and `Date` (milliseconds since 1970) are written
/// as Foundation writes them; a `Data`, `URL` or `Decimal` would be written through its own
/// `Encodable` conformance, not Foundation's special forms, so encoded types must not use them
/// (the tests compare this encoder's output with `JSONEncoder`'s).
public struct CompactJSONEncoder {
    public init() {}

    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let root = RootBox()
        try encodeValue(value, into: .root(root), path: CodingPath(parent: nil, key: nil))
        var output: [UInt8] = []
        output.reserveCapacity(512)
        Self.write(root.node, into: &output)
        return output
    }

    private static func write(_ node: Node, into output: inout [UInt8]) {
        switch node {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let text), .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let box):
            output.append(UInt8(ascii: "["))
            for (index, element) in box.elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            for (index, key) in box.keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(box.values[index], into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs of bytes that need no escaping are copied at once.
            var start = 0
            for (position, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if position > start { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position])) }
                start = position + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
                case 0x08: output.append(contentsOf: #"\b"#.utf8)
                case 0x0C: output.append(contentsOf: #"\f"#.utf8)
                case 0x0A: output.append(contentsOf: #"\n"#.utf8)
                case 0x0D: output.append(contentsOf: #"\r"#.utf8)
                case 0x09: output.append(contentsOf: #"\t"#.utf8)
                default:
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(Hex.digits[Int(byte >> 4)])
                    output.append(Hex.digits[Int(byte & 0x0F)])
                }
            }
            if bytes.count > start { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Foundation's form: a whole number without its `.0`, others as Swift prints them.
    static func numberText(_ value: Double) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not valid JSON"))
        }
        // Whole numbers well inside Double's exact range (dates in milliseconds, amounts of
        // whole units) print as integers; `description` would add `.0` and switch to an
        // exponent only from 1e16.
        if value == value.rounded(.towardZero), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            return String(Int64(value))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

private enum Node {
    case null
    case bool(Bool)
    case integer(String)
    case number(String)
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)
}

private final class RootBox {
    var node: Node = .null
}

private final class ArrayBox {
    var elements: [Node] = []
}

private final class ObjectBox {
    var keys: [String] = []
    var values: [Node] = []
    /// Positions by key, built only for objects too large for a linear search.
    private var index: [String: Int]?

    /// The position of `key`'s value, added as null when new; encoding a key twice replaces
    /// its value in place. A DTO has a dozen keys or fewer, for which comparing them beats
    /// hashing each one.
    func position(_ key: String) -> Int {
        if let existing = index.map({ $0[key] }) ?? keys.firstIndex(of: key) { return existing }
        index?[key] = keys.count
        keys.append(key)
        values.append(.null)
        if index == nil && keys.count > 16 {
            index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return keys.count - 1
    }

    func set(_ node: Node, for key: String) {
        values[position(key)] = node
    }
}

/// Where a value goes: the root, a member of an object or an element of an array. Scalars are
/// stored in place; nested encoders fill the slot later.
private enum Slot {
    case root(RootBox)
    case member(ObjectBox, Int)
    case element(ArrayBox, Int)

    var node: Node {
        switch self {
        case .root(let box): box.node
        case .member(let box, let position): box.values[position]
        case .element(let box, let position): box.elements[position]
        }
    }

    func set(_ node: Node) {
        switch self {
        case .root(let box): box.node = node
        case .member(let box, let position): box.values[position] = node
        case .element(let box, let position): box.elements[position] = node
        }
    }
}

/// The coding path, kept as a parent chain and a last key, and made into an array only when
/// some `encode(to:)` asks for it.
private final class PathNode {
    let parent: PathNode?
    let key: any CodingKey

    init(parent: PathNode?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }
}

private struct CodingPath {
    let parent: PathNode?
    let key: (any CodingKey)?

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        if let key { keys.append(key) }
        var node = parent
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }

    /// The chain a container passes to its children.
    var node: PathNode? {
        guard let key else { return parent }
        return PathNode(parent: parent, key: key)
    }
}

private struct NodeEncoder: Encoder {
    let slot: Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectBox
        if case .object(let existing) = slot.node {
            object = existing
        } else {
            object = ObjectBox()
            slot.set(.object(object))
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, path: path.node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayBox
        if case .array(let existing) = slot.node {
            array = existing
        } else {
            array = ArrayBox()
            slot.set(.array(array))
        }
        return UnkeyedContainer(array: array, path: path.node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, path: path)
    }
}

/// Primitive values to nodes, recognised by their metatype; anything else encodes itself into
/// the slot.
private func encodeValue<T: Encodable>(_ value: T, into slot: Slot, path: CodingPath) throws {
    if T.self == String.self {
        slot.set(.string(unsafeBitCast(value, to: String.self)))
    } else if T.self == Int.self {
        slot.set(.integer(String(unsafeBitCast(value, to: Int.self))))
    } else if T.self == Bool.self {
        slot.set(.bool(unsafeBitCast(value, to: Bool.self)))
    } else if T.self == Date.self {
        slot.set(.number(try CompactJSONEncoder.numberText(1000 * unsafeBitCast(value, to: Date.self).timeIntervalSince1970)))
    } else if T.self == Int64.self {
        slot.set(.integer(String(unsafeBitCast(value, to: Int64.self))))
    } else if T.self == Double.self {
        slot.set(.number(try CompactJSONEncoder.numberText(unsafeBitCast(value, to: Double.self))))
    } else {
        try value.encode(to: NodeEncoder(slot: slot, path: path))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: ObjectBox
    let path: PathNode?
    var codingPath: [any CodingKey] { CodingPath(parent: path, key: nil).keys }

    mutating func encodeNil(forKey key: Key) throws { object.set(.null, for: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(.bool(value), for: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.set(.string(value), for: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.set(.number(try CompactJSONEncoder.numberText(value)), for: key.stringValue)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.set(.integer(String(value)), for: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { object.set(.integer(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { object.set(.integer(String(value)), for: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { object.set(.integer(String(value)), for: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: .member(object, object.position(key.stringValue)), path: CodingPath(parent: path, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        encoder(for: key.stringValue, key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder(for: key.stringValue, key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(slot: .member(object, object.position("super")), path: CodingPath(parent: path, key: nil))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder(for: key.stringValue, key: key)
    }

    private func encoder(for name: String, key: Key) -> NodeEncoder {
        NodeEncoder(slot: .member(object, object.position(name)), path: CodingPath(parent: path, key: key))
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let array: ArrayBox
    let path: PathNode?
    var codingPath: [any CodingKey] { CodingPath(parent: path, key: nil).keys }
    var count: Int { array.elements.count }

    private func append(_ node: Node) {
        array.elements.append(node)
    }

    /// A slot at the end, and the path to it.
    private func next() -> (Slot, CodingPath) {
        let index = array.elements.count
        array.elements.append(.null)
        return (.element(array, index), CodingPath(parent: path, key: IndexKey(index)))
    }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.number(try CompactJSONEncoder.numberText(value))) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { append(.integer(String(value))) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { append(.integer(String(value))) }
    mutating func encode(_ value: UInt) throws { append(.integer(String(value))) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { append(.integer(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (slot, path) = next()
        try encodeValue(value, into: slot, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (slot, path) = next()
        return NodeEncoder(slot: slot, path: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (slot, path) = next()
        return NodeEncoder(slot: slot, path: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let (slot, path) = next()
        return NodeEncoder(slot: slot, path: path)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: Slot
    let path: CodingPath
    var codingPath: [any CodingKey] { path.keys }

    mutating func encodeNil() throws { slot.set(.null) }
    mutating func encode(_ value: Bool) throws { slot.set(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.set(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.set(.number(try CompactJSONEncoder.numberText(value))) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { slot.set(.integer(String(value))) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { slot.set(.integer(String(value))) }
    mutating func encode(_ value: UInt) throws { slot.set(.integer(String(value))) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { slot.set(.integer(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: slot, path: path) }
}
