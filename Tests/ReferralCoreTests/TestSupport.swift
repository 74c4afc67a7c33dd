import Foundation
import ReferralCore
import Testing

/// Decodes JSON text the way the HTTP layer would hand it over.
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

let testCursors = CursorCodec(key: Array("test-cursor-key-0123456789abcdef".utf8))

/// Parses the JSON text of a whole `query` object.
func parse(_ text: String, schema: QuerySchema = .referringCustomers) throws -> ParsedQuery {
    try QueryParser.parse(json(text), schema: schema, cursors: testCursors)
}

/// Parses `{"filter": <text>}` and returns the filter.
func filter(_ text: String, schema: QuerySchema = .referringCustomers) throws -> Filter? {
    try parse(#"{"filter": \#(text)}"#, schema: schema).filter
}

/// Milliseconds of an RFC 3339 literal used in expectations.
func millis(_ text: String) -> Int64 {
    Timestamp.parse(text)!.milliseconds
}

/// Shorthands for expected trees.
func cmp(_ field: String, _ op: FilterOperator, _ value: String) -> Filter {
    .compare(field: field, op: op, operand: .scalar(.string(value)))
}

func cmp(_ field: String, _ op: FilterOperator, time: String) -> Filter {
    .compare(field: field, op: op, operand: .scalar(.timestamp(millis(time))))
}

func cmp(_ field: String, _ op: FilterOperator, list: [String]) -> Filter {
    .compare(field: field, op: op, operand: .list(list.map(FilterScalar.string)))
}

func exists(_ field: String, _ flag: Bool) -> Filter {
    .compare(field: field, op: .exists, operand: .bool(flag))
}
