import Foundation
import Hummingbird
import Logging
import NIOCore
import ReferralCore

/// Renders every error as a Wix error body, in one place. Domain errors keep their code and
/// status; framework errors get the matching Wix code; anything else is a 500 with an empty
/// body and a log line carrying the request id.
struct WixErrorMiddleware: RouterMiddleware {
    typealias Context = ReferralRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ReferralError {
            if error.category == .failedPrecondition || error.category == .conflict {
                context.logger.debug("request refused", metadata: ["error.code": "\(error.code ?? "")"])
            }
            return WixErrorBody.response(for: error)
        } catch is NIOTooManyBytesError {
            return WixErrorBody.response(for: .payloadTooLarge(limit: context.maxUploadSize))
        } catch let error as StoreUnavailableError {
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            var response = WixErrorBody.internalError()
            response.status = .serviceUnavailable
            response.headers[.retryAfter] = "5"
            return response
        } catch let error as HTTPError {
            return WixErrorBody.response(for: Self.translate(error, request: request))
        } catch {
            context.logger.error(
                "internal error",
                metadata: ["error": "\(String(reflecting: error))", "http.method": "\(request.method)", "http.path": "\(request.uri.path)"]
            )
            return WixErrorBody.internalError()
        }
    }

    static func translate(_ error: HTTPError, request: Request) -> ReferralError {
        switch error.status {
        case .notFound:
            return ReferralError(.notFound, code: "NOT_FOUND", message: "No route for \(request.method) \(request.uri.path).")
        case .contentTooLarge:
            return .payloadTooLarge(limit: AppConfiguration.defaultMaxBodyBytes)
        case .unauthorized:
            return .unauthenticated(error.body ?? "Authentication is required.")
        case .forbidden:
            return .permissionDenied(error.body ?? "Permission denied.")
        default:
            return ReferralError(.invalidArgument, code: "INVALID_ARGUMENT", message: error.body ?? "\(error.status.reasonPhrase).")
        }
    }
}

/// The Wix error body: `{"message", "details": {"applicationError" | "validationError"}}`.
enum WixErrorBody {
    struct Body: Encodable {
        var message: String
        var details: Details
    }

    struct Details: Encodable {
        var applicationError: ApplicationError?
        var validationError: ValidationError?
    }

    struct ApplicationError: Encodable {
        var code: String
        var description: String
        var data: [String: String]
    }

    struct ValidationError: Encodable {
        var fieldViolations: [FieldViolation]
    }

    struct FieldViolation: Encodable {
        var field: String
        var description: String
        var violatedRule: String
    }

    static func status(of category: ReferralError.Category) -> HTTPResponse.Status {
        switch category {
        case .invalidArgument: .badRequest
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .failedPrecondition: .init(code: 428, reasonPhrase: "Precondition Required")
        case .rateLimited: .tooManyRequests
        }
    }

    static func response(for error: ReferralError) -> Response {
        let details: Details
        if error.fieldViolations.isEmpty {
            details = Details(
                applicationError: ApplicationError(code: error.code ?? "INVALID_ARGUMENT", description: error.message, data: error.data)
            )
        } else {
            details = Details(
                validationError: ValidationError(
                    fieldViolations: error.fieldViolations.map {
                        FieldViolation(field: $0.field, description: $0.description, violatedRule: $0.violatedRule)
                    }
                )
            )
        }
        var response = WireJSON.response(Body(message: error.message, details: details), status: status(of: error.category))
        if error.category == .unauthenticated {
            response.headers[.wwwAuthenticate] = "Bearer"
        }
        return response
    }

    /// 5xx bodies are intentionally empty, as Wix sends them.
    static func internalError() -> Response {
        WireJSON.response(Body(message: "", details: Details()), status: .internalServerError)
    }
}
