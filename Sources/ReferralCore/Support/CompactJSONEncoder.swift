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
/// enum nodes and are written in one pass. Strings, numbers, booleans, optionals, arrays,
/// string-keyed dictionaries, nested objects and `Date` (milliseconds since 1970) are written
/// as Foundation writes them; a `Data`, `URL` or `Decimal` would be written through its own
/// `Encodable` conformance, not Foundation's special forms, so encoded types must not use them
/// (the tests compare this encoder's output with `JSONEncoder`'s).
public struct CompactJSONEncoder {
    public init() {}

    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let root = NodeBox()
        try value.encode(to: NodeEncoder(box: root, codingPath: []))
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
                write(element.node, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            for (index, key) in box.keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(box.values[index].node, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(Hex.digits[Int(byte >> 4)])
                output.append(Hex.digits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Foundation's form: a whole number without its `.0`, others as Swift prints them.
    static func numberText(_ value: Double) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not valid JSON"))
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

/// A slot a value is written into; containers hand out boxes so nested encoders fill them later.
private final class NodeBox {
    var node: Node = .null
}

private final class ArrayBox {
    var elements: [NodeBox] = []
}

private final class ObjectBox {
    var keys: [String] = []
    var values: [NodeBox] = []
    /// Positions by key, built only for objects too large for a linear search.
    private var index: [String: Int]?

    /// The slot for `key`; encoding a key twice replaces its value in place. A DTO has a
    /// dozen keys or fewer, for which comparing them beats hashing each one.
    func slot(_ key: String) -> NodeBox {
        if let position = position(of: key) { return values[position] }
        let box = NodeBox()
        index?[key] = keys.count
        keys.append(key)
        values.append(box)
        if index == nil && keys.count > 16 {
            index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return box
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }
}

private struct NodeEncoder: Encoder {
    let box: NodeBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectBox
        if case .object(let existing) = box.node {
            object = existing
        } else {
            object = ObjectBox()
            box.node = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayBox
        if case .array(let existing) = box.node {
            array = existing
        } else {
            array = ArrayBox()
            box.node = .array(array)
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(box: box, codingPath: codingPath)
    }
}

/// Primitive values to nodes; anything else encodes itself into the slot.
private func encodeValue<T: Encodable>(_ value: T, into box: NodeBox, codingPath: [any CodingKey]) throws {
    switch value {
    case let text as String: box.node = .string(text)
    case let flag as Bool: box.node = .bool(flag)
    case let number as Int: box.node = .integer(String(number))
    case let number as Int64: box.node = .integer(String(number))
    case let number as Double: box.node = .number(try CompactJSONEncoder.numberText(number))
    case let date as Date: box.node = .number(try CompactJSONEncoder.numberText(1000 * date.timeIntervalSince1970))
    default: try value.encode(to: NodeEncoder(box: box, codingPath: codingPath))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: ObjectBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { object.slot(key.stringValue).node = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.slot(key.stringValue).node = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.slot(key.stringValue).node = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.slot(key.stringValue).node = .number(try CompactJSONEncoder.numberText(value))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.slot(key.stringValue).node = .integer(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { object.slot(key.stringValue).node = .integer(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { object.slot(key.stringValue).node = .integer(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { object.slot(key.stringValue).node = .integer(String(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: object.slot(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(box: object.slot(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(box: object.slot(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(box: object.slot("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(box: object.slot(key.stringValue), codingPath: codingPath + [key])
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
    let codingPath: [any CodingKey]
    var count: Int { array.elements.count }

    private func next() -> NodeBox {
        let box = NodeBox()
        array.elements.append(box)
        return box
    }

    mutating func encodeNil() throws { next().node = .null }
    mutating func encode(_ value: Bool) throws { next().node = .bool(value) }
    mutating func encode(_ value: String) throws { next().node = .string(value) }
    mutating func encode(_ value: Double) throws { next().node = .number(try CompactJSONEncoder.numberText(value)) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { next().node = .integer(String(value)) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { next().node = .integer(String(value)) }
    mutating func encode(_ value: UInt) throws { next().node = .integer(String(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { next().node = .integer(String(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try encodeValue(value, into: next(), codingPath: codingPath + [IndexKey(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let index = count
        return NodeEncoder(box: next(), codingPath: codingPath + [IndexKey(index)]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = count
        return NodeEncoder(box: next(), codingPath: codingPath + [IndexKey(index)]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let index = count
        return NodeEncoder(box: next(), codingPath: codingPath + [IndexKey(index)])
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let box: NodeBox
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.node = .null }
    mutating func encode(_ value: Bool) throws { box.node = .bool(value) }
    mutating func encode(_ value: String) throws { box.node = .string(value) }
    mutating func encode(_ value: Double) throws { box.node = .number(try CompactJSONEncoder.numberText(value)) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { box.node = .integer(String(value)) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { box.node = .integer(String(value)) }
    mutating func encode(_ value: UInt) throws { box.node = .integer(String(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { box.node = .integer(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: box, codingPath: codingPath) }
}
