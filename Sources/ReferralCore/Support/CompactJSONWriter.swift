import Foundation

/// A type whose compact JSON is written field by field instead of through `Encodable`.
///
/// For the few response types on the hottest paths (a page of 50 referred friends is 400
/// string fields): `CompactJSONEncoder` goes through `Codable`'s containers and generic
/// metadata for every field, which was the largest cost of a query after the database read.
/// `writeJSON` must write exactly what `CompactJSONEncoder` writes for the value's `Encodable`
/// conformance (same keys, same order, nil fields left out); the tests compare the two.
public protocol CompactJSONWritable: Encodable {
    func writeJSON(into writer: inout CompactJSONWriter)
}

/// Writes compact JSON into a byte array, with the separators placed for the caller.
public struct CompactJSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// A value was written at this level, so the next one needs a comma.
    private var needsComma = false

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON of one value.
    public static func bytes(of value: some CompactJSONWritable, capacity: Int = 512) -> [UInt8] {
        var writer = CompactJSONWriter(capacity: capacity)
        value.writeJSON(into: &writer)
        return writer.bytes
    }

    /// `{`, the members `body` writes, `}`.
    public mutating func object(_ body: (inout CompactJSONWriter) -> Void) {
        container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
    }

    /// `[`, the elements `body` writes, `]`.
    public mutating func array(_ body: (inout CompactJSONWriter) -> Void) {
        container(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), body)
    }

    /// An array of values that write themselves.
    @inlinable
    public mutating func array(of elements: [some CompactJSONWritable]) {
        array { writer in
            for element in elements { element.writeJSON(into: &writer) }
        }
    }

    private mutating func container(open: UInt8, close: UInt8, _ body: (inout CompactJSONWriter) -> Void) {
        separate()
        bytes.append(open)
        needsComma = false
        body(&self)
        bytes.append(close)
        needsComma = true
    }

    /// A member's key; the next value written is its value.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
        needsComma = false
    }

    public mutating func string(_ text: String) {
        separate()
        CompactJSONEncoder.writeString(text, into: &bytes)
        needsComma = true
    }

    public mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    public mutating func bool(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func integer(_ value: Int64) {
        integer(Int(value))
    }

    /// A date as `Codable` stores it with `millisecondsSince1970`: what `CompactJSONEncoder`
    /// writes. The caller checks `timeIntervalSince1970.isFinite` (the encoder throws for the
    /// others; this writes `null`).
    public mutating func milliseconds(_ date: Date) {
        separate()
        let text = (try? CompactJSONEncoder.numberText(1000 * date.timeIntervalSince1970)) ?? "null"
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// A UUID as `Codable` writes it: Foundation's `uuidString`, upper case.
    public mutating func uuid(_ id: UUID) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: id.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(Self.upperDigits[Int(byte >> 4)])
                bytes.append(Self.upperDigits[Int(byte & 0x0F)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// A member with a string value.
    public mutating func member(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    /// A member whose value writes itself.
    @inlinable
    public mutating func member(_ name: StaticString, _ value: some CompactJSONWritable) {
        key(name)
        value.writeJSON(into: &self)
    }

    /// A member with a string value, left out when nil (as `encodeIfPresent` does).
    public mutating func member(_ name: StaticString, ifPresent text: String?) {
        guard let text else { return }
        member(name, text)
    }

    /// A member whose value writes itself, left out when nil.
    @inlinable
    public mutating func member(_ name: StaticString, ifPresent value: (some CompactJSONWritable)?) {
        guard let value else { return }
        member(name, value)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
