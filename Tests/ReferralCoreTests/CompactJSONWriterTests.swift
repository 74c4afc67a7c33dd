import Foundation
import Testing

@testable import ReferralCore

/// `CompactJSONWriter` places separators like the encoder, at every nesting.
@Suite("Compact JSON writer")
struct CompactJSONWriterTests {
    struct Leaf: CompactJSONWritable {
        var name: String
        var note: String?
        var count: Int
        var flag: Bool

        func writeJSON(into writer: inout CompactJSONWriter) {
            writer.object { writer in
                writer.member("name", name)
                writer.member("note", ifPresent: note)
                writer.key("count")
                writer.integer(count)
                writer.key("flag")
                writer.bool(flag)
            }
        }
    }

    struct Tree: CompactJSONWritable {
        var leaves: [Leaf]
        var grid: [[String]]
        var empty: [Leaf]
        var last: Leaf

        func writeJSON(into writer: inout CompactJSONWriter) {
            writer.object { writer in
                writer.key("leaves")
                writer.array { writer in for leaf in leaves { leaf.writeJSON(into: &writer) } }
                writer.key("grid")
                writer.array { writer in
                    for row in grid { writer.array { writer in for cell in row { writer.string(cell) } } }
                }
                writer.key("empty")
                writer.array { writer in for leaf in empty { leaf.writeJSON(into: &writer) } }
                writer.key("last")
                last.writeJSON(into: &writer)
            }
        }
    }

    @Test("nested objects and arrays, empty ones, nil members, integers and booleans")
    func nesting() throws {
        let leaves = [
            Leaf(name: "a", note: nil, count: 0, flag: false), Leaf(name: "b\"", note: "n", count: -12, flag: true),
            Leaf(name: "", note: "", count: Int.max, flag: true),
        ]
        for count in 0...leaves.count {
            let tree = Tree(
                leaves: Array(leaves.prefix(count)), grid: [[], ["x"], ["y", "z\n"]], empty: [],
                last: Leaf(name: "end", note: nil, count: Int.min, flag: false))
            let direct = String(decoding: CompactJSONWriter.bytes(of: tree), as: UTF8.self)
            let encoded = String(decoding: try CompactJSONEncoder().encode(tree), as: UTF8.self)
            #expect(direct == encoded)
        }
    }
}
