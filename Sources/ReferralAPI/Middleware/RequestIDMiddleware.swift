import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `x-request-id` when it is sane, otherwise
/// Hummingbird's. The id goes into every log line of the request and back in the response.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = ReferralRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID]
        let id =
            incoming.flatMap { Self.isAcceptable($0) ? $0 : nil }
            ?? context.logger[metadataKey: "hb.request.id"]?.description
            ?? String(UInt64.random(in: .min ... .max), radix: 16)
        context.requestID = id
        context.maxUploadSize = maxBodyBytes
        context.logger[metadataKey: "request.id"] = .string(id)
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = id
        if context.logger.logLevel <= .debug {
            let elapsed = ContinuousClock.now - started
            context.logger.debug(
                "request",
                metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                    "http.status": "\(response.status.code)",
                    "duration.ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
                ]
            )
        }
        return response
    }

    /// At most 128 visible ASCII characters, so a client can't inject into logs or headers.
    static func isAcceptable(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-request-id")!
    static let siteID = HTTPField.Name("wix-site-id")!
}
