import ReferralCore
import Testing

/// A query that must be rejected, and how.
struct Rejection: Sendable, CustomTestStringConvertible {
    var query: String
    /// The application code; nil for a validation error.
    var code: String?
    /// Must appear in the message.
    var message: String
    /// For validation errors: the violated field and rule.
    var field: String? = nil
    var rule: String? = nil
    var schema: QuerySchema = .referringCustomers
    var testDescription: String { query }

    static func filter(_ filter: String, _ message: String, schema: QuerySchema = .referringCustomers) -> Rejection {
        Rejection(query: #"{"filter": \#(filter)}"#, code: "INVALID_FILTER", message: message, schema: schema)
    }

    static func invalid(_ query: String, field: String, rule: String) -> Rejection {
        Rejection(query: query, code: nil, message: field, field: field, rule: rule)
    }
}

@Suite("QueryParser: rejections")
struct QueryParserRejectionTests {
    static let unknownFields: [Rejection] = [
        .filter(#"{"foo": "x"}"#, "Field 'foo' is not declared as filterable"),
        .filter(#"{"id": "x"}"#, "Field 'id' is not declared as filterable"),
        .filter(#"{"_id": {"$eq": "x"}}"#, "Field '_id' is not declared as filterable"),
        .filter(#"{"$or": [{"contactId": "a"}, {"nope": 1}]}"#, "Field 'nope' is not declared as filterable"),
        // Referred-friend fields are not referring-customer fields.
        .filter(#"{"status": "UNKNOWN"}"#, "Field 'status' is not declared as filterable"),
        .filter(#"{"referralCode": "X"}"#, "Field 'referralCode' is not declared as filterable", schema: .referredFriends),
    ]

    static let disallowedOperators: [Rejection] = [
        .filter(#"{"contactId": {"$gt": "a"}}"#, "Operator '$gt' is not supported for field 'contactId'"),
        .filter(#"{"contactId": {"lte": "a"}}"#, "Operator '$lte' is not supported for field 'contactId'"),
        .filter(#"{"createdDate": {"$startsWith": "2024"}}"#, "Operator '$startsWith' is not supported for field 'createdDate'"),
        .filter(#"{"status": {"$lt": "UNKNOWN"}}"#, "Operator '$lt' is not supported for field 'status'", schema: .referredFriends),
    ]

    static let unknownOperators: [Rejection] = [
        .filter(#"{"contactId": {"$foo": "a"}}"#, "Unrecognized operator '$foo'"),
        .filter(#"{"contactId": {"$eq": "a", "bar": "b"}}"#, "Unrecognized operator 'bar'"),
        .filter(#"{"$nor": [{"contactId": "a"}]}"#, "Unrecognized operator '$nor'"),
        .filter(#"{"contactId": {"$regex": "^a"}}"#, "Unrecognized operator '$regex'"),
    ]

    static let badOperands: [Rejection] = [
        .filter(#"{"contactId": 5}"#, "Value for field 'contactId' must be a string, got number"),
        .filter(#"{"contactId": {"$eq": true}}"#, "Value for field 'contactId' must be a string, got boolean"),
        .filter(#"{"contactId": ["a"]}"#, "Value for field 'contactId' must be a string, got array"),
        .filter(#"{"contactId": {"$in": "a"}}"#, "Operator '$in' on field 'contactId' expects an array, got string"),
        .filter(#"{"contactId": {"$nin": null}}"#, "Operator '$nin' on field 'contactId' expects an array, got null"),
        .filter(#"{"contactId": {"$hasSome": ["a", 1]}}"#, "Value for field 'contactId' must be a string, got number"),
        .filter(#"{"contactId": {"$in": ["a", null]}}"#, "Value for field 'contactId' must be a string, got null"),
        .filter(#"{"contactId": {"$exists": "yes"}}"#, "Operator '$exists' on field 'contactId' expects a boolean, got string"),
        .filter(#"{"contactId": {"$startsWith": 1}}"#, "Operator '$startsWith' on field 'contactId' expects a string, got number"),
        .filter(
            #"{"createdDate": {"$gt": 1700000000000}}"#, "Value for field 'createdDate' must be an RFC 3339 timestamp string, got number"),
        .filter(#"{"createdDate": {"$lt": null}}"#, "Value for field 'createdDate' must be an RFC 3339 timestamp string, got null"),
        .filter(#"{"createdDate": {"$gte": "yesterday"}}"#, "Value 'yesterday' for field 'createdDate' is not an RFC 3339 timestamp"),
        .filter(
            #"{"updatedDate": {"$in": ["2024-13-01T00:00:00Z"]}}"#,
            "Value '2024-13-01T00:00:00Z' for field 'updatedDate' is not an RFC 3339 timestamp"),
        .filter(#"{"createdDate": "2024-01-01"}"#, "Value '2024-01-01' for field 'createdDate' is not an RFC 3339 timestamp"),
        .filter(
            #"{"status": "DONE"}"#, "Value 'DONE' for field 'status' must be one of UNKNOWN, SIGN_UP_COMPLETED, ACTIONS_COMPLETED",
            schema: .referredFriends),
        .filter(
            #"{"status": {"$in": ["UNKNOWN", "unknown"]}}"#, "Value 'unknown' for field 'status' must be one of", schema: .referredFriends),
    ]

    static let badShapes: [Rejection] = [
        .filter(#"{"contactId": {}}"#, "Empty condition for field 'contactId'"),
        .filter(#"[]"#, "A filter must be an object, got array"),
        .filter(#""contactId""#, "A filter must be an object, got string"),
        .filter(#"{"$and": [{"contactId": "a"}, 3]}"#, "A filter must be an object, got number"),
        .filter(#"{"$not": []}"#, "A filter must be an object, got array"),
        .filter(#"{"$and": {"contactId": "a"}}"#, "Operator '$and' expects a non-empty array of filters"),
        .filter(#"{"or": []}"#, "Operator 'or' expects a non-empty array of filters"),
    ]

    @Test(arguments: unknownFields + disallowedOperators + unknownOperators + badOperands + badShapes)
    func rejectedFilter(_ rejection: Rejection) throws {
        try expectRejected(rejection)
    }

    static let badSorts: [Rejection] = [
        Rejection(query: #"{"sort": [{"fieldName": "foo"}]}"#, code: "INVALID_SORT", message: "Field 'foo' is not declared as sortable"),
        Rejection(query: #"{"sort": [{"fieldName": "id"}]}"#, code: "INVALID_SORT", message: "Field 'id' is not declared as sortable"),
        Rejection(
            query: #"{"sort": [{"fieldName": "_id", "order": "DESC"}]}"#, code: "INVALID_SORT",
            message: "Field '_id' is not declared as sortable"),
        Rejection(
            query: #"{"sort": [{"fieldName": "referralCode", "order": "DESC"}]}"#, code: "INVALID_SORT",
            message: "Field 'referralCode' is not declared as sortable", schema: .referredFriends),
        .invalid(#"{"sort": [{"fieldName": "contactId", "order": "UP"}]}"#, field: "query.sort[0].order", rule: "INVALID_ENUM_VALUE"),
        .invalid(
            #"{"sort": [{"fieldName": "contactId"}, {"fieldName": "createdDate", "order": "desc"}]}"#, field: "query.sort[1].order",
            rule: "INVALID_ENUM_VALUE"),
        .invalid(#"{"sort": [{"order": "ASC"}]}"#, field: "query.sort[0].fieldName", rule: "REQUIRED_FIELD"),
        .invalid(#"{"sort": {"fieldName": "contactId"}}"#, field: "query.sort", rule: "FORMAT"),
        .invalid(#"{"sort": ["contactId"]}"#, field: "query.sort[0]", rule: "FORMAT"),
    ]

    static let badPaging: [Rejection] = [
        .invalid(#"{"cursorPaging": {"limit": 0}}"#, field: "query.cursorPaging.limit", rule: "MIN"),
        .invalid(#"{"cursorPaging": {"limit": -3}}"#, field: "query.cursorPaging.limit", rule: "MIN"),
        .invalid(#"{"cursorPaging": {"limit": 101}}"#, field: "query.cursorPaging.limit", rule: "MAX"),
        .invalid(#"{"cursorPaging": {"limit": 2.5}}"#, field: "query.cursorPaging.limit", rule: "FORMAT"),
        .invalid(#"{"cursorPaging": {"limit": "10"}}"#, field: "query.cursorPaging.limit", rule: "FORMAT"),
        .invalid(#"{"cursorPaging": {"cursor": 12}}"#, field: "query.cursorPaging.cursor", rule: "FORMAT"),
        .invalid(#"{"cursorPaging": 10}"#, field: "query.cursorPaging", rule: "FORMAT"),
        .invalid(#"[]"#, field: "query", rule: "FORMAT"),
        .invalid(#""filter""#, field: "query", rule: "FORMAT"),
    ]

    @Test(arguments: badSorts + badPaging)
    func rejectedSortOrPaging(_ rejection: Rejection) throws {
        try expectRejected(rejection)
    }

    private func expectRejected(_ rejection: Rejection) throws {
        let error = #expect(throws: ReferralError.self) {
            try parse(rejection.query, schema: rejection.schema)
        }
        let thrown = try #require(error)
        #expect(thrown.category == .invalidArgument)
        #expect(thrown.code == rejection.code)
        #expect(thrown.message.contains(rejection.message), "message was: \(thrown.message)")
        if let field = rejection.field {
            #expect(thrown.fieldViolations.map(\.field) == [field])
            #expect(thrown.fieldViolations.map(\.violatedRule) == [rejection.rule])
        }
    }
}
