import Foundation
import Testing

@testable import ReferralCore

/// The compact encoder must write what Foundation's `JSONEncoder` (`.withoutEscapingSlashes`,
/// `.millisecondsSince1970`) writes for every shape the DTOs and stored documents use: the
/// same scalars byte for byte, the same values, and object keys in declaration order
/// (Foundation's order varies between processes).
@Suite("Compact JSON encoder")
struct CompactJSONEncoderTests {
    enum Colour: String, Codable, Sendable { case red = "RED", blue = "BLUE" }

    struct Leaf: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double
        var flag: Bool
        var note: String?
        var big: Int64?
    }

    struct Tree: Codable {
        var id: String
        var leaves: [Leaf]
        var nested: [[Int]]
        var colour: Colour
        var colours: [Colour]
        var optionalLeaf: Leaf?
        var nothing: String?
        var empty: [String]
        var emptyObject: [String: Int]
        var map: [String: String]
        var json: JSONValue
        var revision: String
    }

    static func foundation(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return Array(try encoder.encode(value))
    }

    static let strings = [
        "", "plain", "quote \" backslash \\ slash / done", "tab\tnew\nline\r", "\u{01}\u{08}\u{0C}\u{1F}\u{7F}", "é€😀 ünïcödé",
        "\u{2028}\u{2029}", "<script>&amp;</script>",
    ]
    static let doubles: [Double] = [
        0, -0.0, 1, -1, 0.1, 49.9, 49.90, 1e-7, 1.5e-5, 1e15, 1e16, 1e21, 123_456_789.125, -2.5, 1.0 / 3.0, .pi,
        999_999_999_999_999, -999_999_999_999_999, 1_763_729_000_123, 4_503_599_627_370_496, 9_007_199_254_740_992,
    ]

    @Test("strings, numbers and booleans match JSONEncoder")
    func scalars() throws {
        for text in Self.strings {
            #expect(try CompactJSONEncoder().encode([text]) == Self.foundation([text]), "\(text.debugDescription)")
        }
        for number in Self.doubles {
            #expect(try CompactJSONEncoder().encode([number]) == Self.foundation([number]), "\(number)")
        }
        let integers: [Int64] = [0, 1, -1, .max, .min]
        #expect(try CompactJSONEncoder().encode(integers) == Self.foundation(integers))
        #expect(try CompactJSONEncoder().encode([true, false]) == Self.foundation([true, false]))
    }

    @Test("nested objects, arrays, optionals, enums and JSONValue match JSONEncoder")
    func trees() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let leaves = (0..<Int.random(in: 0...4, using: &generator)).map { index in
                Leaf(
                    name: Self.strings.randomElement(using: &generator)!, count: Int.random(in: -1000...1000, using: &generator),
                    ratio: Self.doubles.randomElement(using: &generator)!, flag: Bool.random(using: &generator),
                    note: Bool.random(using: &generator) ? nil : "note \(index)", big: Bool.random(using: &generator) ? nil : .max)
            }
            let tree = Tree(
                id: "tree-\(round)", leaves: leaves, nested: [[], [1, 2], [3]], colour: .red, colours: [.blue, .red],
                optionalLeaf: leaves.first, nothing: nil, empty: [], emptyObject: [:], map: ["only": "one"],
                json: .object(["a": .array([.null, .bool(true), .number(2.5), .string("x/y")])]), revision: "\(round)")
            // Foundation keeps object keys in a hash table, so its key order varies between
            // processes: compare the values, and the order separately.
            let ours = try CompactJSONEncoder().encode(tree)
            #expect(try JSONValue.parse(ours) == JSONValue.parse(Self.foundation(tree)))
            let text = String(decoding: ours, as: UTF8.self)
            #expect(text.hasPrefix(#"{"id":"tree-\#(round)","leaves":["#), "keys come in declaration order: \(text)")
            #expect(text.hasSuffix(#""revision":"\#(round)"}"#), "keys come in declaration order: \(text)")
        }
    }

    @Test("dates are milliseconds since 1970, as with .millisecondsSince1970")
    func dates() throws {
        let dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_763_722_952.123), Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: 1_763_722_952.000_5), Date(),
        ]
        for date in dates {
            #expect(try CompactJSONEncoder().encode([date]) == Self.foundation([date]), "\(date.timeIntervalSince1970)")
        }
        struct Stamped: Codable { var at: Date; var maybe: Date? }
        let stamped = Stamped(at: dates[1], maybe: dates[3])
        // Foundation's key order varies between processes: compare the values.
        #expect(try JSONValue.parse(CompactJSONEncoder().encode(stamped)) == JSONValue.parse(Self.foundation(stamped)))
    }

    @Test("large objects and keys written twice hold what JSONEncoder writes")
    func largeObjectsAndRepeatedKeys() throws {
        struct Twice: Encodable {
            let keys: Int
            enum Key: CodingKey {
                case custom(String)
                var stringValue: String { if case .custom(let name) = self { name } else { "" } }
                init?(stringValue: String) { self = .custom(stringValue) }
                var intValue: Int? { nil }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for index in 0..<keys { try container.encode(index, forKey: .custom("k\(index)")) }
                // Every key again, with a new value: the later value wins, once.
                for index in 0..<keys { try container.encode("again \(index)", forKey: .custom("k\(index)")) }
            }
        }
        for keys in [1, 3, 16, 17, 40] {
            let ours = try JSONValue.parse(CompactJSONEncoder().encode(Twice(keys: keys)))
            #expect(ours == (try JSONValue.parse(Self.foundation(Twice(keys: keys)))), "\(keys) keys")
            guard case .object(let object) = ours else {
                Issue.record("not an object")
                continue
            }
            #expect(object.count == keys)
        }
        let big = Dictionary(uniqueKeysWithValues: (0..<100).map { ("key \($0)", $0) })
        #expect(try JSONValue.parse(CompactJSONEncoder().encode(big)) == JSONValue.parse(Self.foundation(big)))
    }

    @Test("a number JSON can't hold is an error, not invalid output")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode([Double.infinity]) }
    }

    /// Writes the coding path it was encoded at, as Foundation reports it.
    struct PathProbe: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(encoder.codingPath.map { $0.intValue.map { "#\($0)" } ?? $0.stringValue }.joined(separator: "/"))
        }
    }

    struct Probed: Encodable {
        struct Inner: Encodable {
            var probe = PathProbe()
            var list = [PathProbe(), PathProbe()]
        }
        var probe = PathProbe()
        var inner = Inner()
        var map = ["k": [PathProbe()]]
        var nested = [[PathProbe()]]
    }

    @Test("coding paths seen by custom encoders match JSONEncoder's")
    func codingPaths() throws {
        // Foundation's key order varies between processes: compare the values.
        #expect(try JSONValue.parse(CompactJSONEncoder().encode(Probed())) == JSONValue.parse(Self.foundation(Probed())))
        let text = String(decoding: try CompactJSONEncoder().encode(Probed()), as: UTF8.self)
        #expect(text.contains(#""list":["inner/list/#0","inner/list/#1"]"#), "\(text)")
        #expect(try CompactJSONEncoder().encode(PathProbe()) == Self.foundation(PathProbe()))
    }
}
