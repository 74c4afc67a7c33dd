import Foundation
import Testing

@testable import ReferralCore

@Suite("JSONValue parser")
struct JSONValueParseTests {
    static let documents = [
        #"{"query":{"filter":{"referringCustomerId":{"$eq":"0199f344-5f08-7c24-a5e9-fc65c0680482"}},"sort":[{"fieldName":"createdDate","order":"DESC"}],"cursorPaging":{"limit":50}}}"#,
        #"  [1, -2, 3.25, -0.5e-3, 6E+2, 0, -0, 1e308, 12345678901234567890]  "#,
        #"{"escapes":"\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20ac \ud83d\ude00","raw":"é€😀","empty":""}"#,
        #"{"nested":[[[]],{},{"a":[null,true,false]}],"t":true,"f":false,"n":null}"#,
        #""just a string""#,
        "42",
        "null",
    ]

    @Test("parses what JSONDecoder parses, to the same value", arguments: documents)
    func matchesJSONDecoder(_ document: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
        #expect(try JSONValue.parse(Array(document.utf8)) == expected)
    }

    @Test("random documents survive encoding and parsing")
    func roundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        func random(depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 8)
            case 3:
                let alphabet = Array("aZ09 \"\\/\n\t\u{01}é€😀{}[],:")
                return .string(
                    String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
            case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth: depth + 1) })
            default:
                return .object(
                    Dictionary(
                        (0..<Int.random(in: 0...4, using: &generator)).map { ("k\($0)", random(depth: depth + 1)) },
                        uniquingKeysWith: { $1 }))
            }
        }
        for _ in 0..<300 {
            let value = random(depth: 0)
            let encoded = try JSONEncoder().encode(value)
            #expect(try JSONValue.parse(Array(encoded)) == value)
        }
    }

    @Test("the last of duplicate keys wins")
    func duplicateKeys() throws {
        #expect(try JSONValue.parse(Array(#"{"a":1,"a":2}"#.utf8)) == .object(["a": .number(2)]))
    }

    @Test(
        "rejects what is not RFC 8259 JSON",
        arguments: [
            "", " ", "{", "}", "[1,]", #"{"a":1,}"#, "{'a':1}", #"{"a" 1}"#, #"{a:1}"#, "01", "1.", ".5", "+1", "-", "1e", "1e+",
            "NaN", "Infinity", "1e400", "-1e400", "tru", "nul", "[1 2]", #""unterminated"#, "\"tab\there\"", #""\x""#, #""\u12""#,
            #""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, "// comment\n1", "1 2", "[]]", "{}x",
        ])
    func rejects(_ document: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(document.utf8)) }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func rejectsInvalidUTF8() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }

    @Test("deep nesting is an error, not a crash")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let allowed = JSONValue.maximumDepth - 1
        let shallow = String(repeating: "[", count: allowed) + String(repeating: "]", count: allowed)
        #expect(throws: Never.self) { try JSONValue.parse(Array(shallow.utf8)) }
    }
}
