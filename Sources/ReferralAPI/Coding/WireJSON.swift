import Foundation
import Hummingbird
import NIOCore
import ReferralCore

/// JSON in and out, Wix style: unknown fields ignored, absent values omitted, decoding failures
/// reported as field violations with the request path of the bad field.
enum WireJSON {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        guard let body = encode(value) else {
            // Our DTOs always encode; this is a bug, not an input problem.
            return Response(
                status: .internalServerError, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"message":"","details":{}}"#)))
        }
        return response(encoded: body, status: status)
    }

    /// The same response for the types that write their JSON directly.
    static func response(_ value: some CompactJSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        response(encoded: encode(value), status: status)
    }

    /// A response with an already encoded JSON body.
    static func response(encoded body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    /// The wire JSON of `value`; nil only if a DTO fails to encode (a bug).
    static func encode(_ value: some Encodable) -> ByteBuffer? {
        guard let bytes = try? CompactJSONEncoder().encode(value) else { return nil }
        return ByteBuffer(bytes: bytes)
    }

    static func encode(_ value: some CompactJSONWritable) -> ByteBuffer {
        ByteBuffer(bytes: CompactJSONWriter.bytes(of: value, capacity: 1024))
    }

    /// Decodes the request body; an empty body decodes as `{}`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: ReferralRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try decode(type, from: buffer)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let bytes = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(type, from: bytes)
        } catch let error as DecodingError {
            throw translate(error)
        } catch let error as ReferralError {
            throw error
        }
    }

    /// The hot write routes' bodies: parsed once and read by hand when they have the expected
    /// shape. `JSONDecoder` with the synthesized containers was about a twelfth of a reported
    /// action's CPU. Anything the direct reading doesn't take (a wrong type, a missing field,
    /// invalid JSON, an empty body) is decoded again by `decode` above, so the answer or the
    /// error is always `Codable`'s.
    static func decode<T: Decodable & DirectJSONDecodable>(_ type: T.Type, from request: Request, context: ReferralRequestContext)
        async throws -> T
    {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes > 0, let json = try? JSONValue.parse(buffer.readableBytesView), let value = T(json: json) {
            return value
        }
        return try decode(type, from: buffer)
    }

    /// A query body, `{"query": …}`: the query's shape is only known at run time, so the body
    /// is parsed straight into `JSONValue` instead of through `Codable`, which guesses each
    /// value's type by trial and error. Errors match `decode`'s.
    static func decodeQuery(from request: Request, context: ReferralRequestContext) async throws -> QueryRequest {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return QueryRequest(query: nil) }
        let body: JSONValue
        do {
            body = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw ReferralError.validation(field: "body", "is not valid JSON", rule: "FORMAT")
        }
        guard case .object(let members) = body else {
            throw ReferralError.validation(field: "body", "must be an object", rule: "TYPE")
        }
        guard let query = members["query"], query != .null else { return QueryRequest(query: nil) }
        return QueryRequest(query: query)
    }

    static func translate(_ error: DecodingError) -> ReferralError {
        func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String {
            var text = ""
            for component in codingPath + (key.map { [$0] } ?? []) {
                if let index = component.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? component.stringValue : ".\(component.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation(field: path(context.codingPath, appending: key), "is required", rule: "REQUIRED_FIELD")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .validation(field: field.isEmpty ? "body" : field, "must be \(describe(type))", rule: "TYPE")
        case .valueNotFound(let type, let context):
            return .validation(field: path(context.codingPath), "must be \(describe(type)), not null", rule: "REQUIRED_FIELD")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return .validation(field: "body", "is not valid JSON", rule: "FORMAT")
            }
            return .validation(field: field, context.debugDescription, rule: "VALID_VALUE")
        @unknown default:
            return .validation(field: "body", "could not be read", rule: "FORMAT")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}

/// A revision in input: Wix sends int64 as a string, but a JSON number is accepted too.
struct RevisionInput: Decodable, Sendable {
    let value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an integer revision such as \"1\"")
        }
        guard value >= 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must not be negative")
        }
    }
}

/// An enum on the wire: an unknown input value is reported with the allowed values.
struct EnumInput<Value: RawRepresentable & CaseIterable & Sendable>: Codable, Sendable where Value.RawValue == String {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value.rawValue)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not one of \(allowed)")
        }
        self.value = value
    }
}

/// A request body that can be read straight from the parsed JSON. `init(json:)` returns nil
/// for anything that isn't a well-formed body, leaving it to `Codable` to accept or explain;
/// for a body it takes, it must give exactly what `Codable` gives (tests compare the two).
protocol DirectJSONDecodable {
    init?(json: JSONValue)
}
