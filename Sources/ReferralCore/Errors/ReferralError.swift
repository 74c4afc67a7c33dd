/// The one error type of the domain. Each carries a stable application code and a category
/// that the HTTP layer maps to a status and the Wix error body, in exactly one place.
public struct ReferralError: Error, Sendable, Equatable {
    /// What kind of failure this is; decides the HTTP status.
    public enum Category: Sendable, Equatable {
        case invalidArgument  // 400
        case unauthenticated  // 401
        case permissionDenied  // 403
        case notFound  // 404
        case conflict  // 409
        case payloadTooLarge  // 413
        case failedPrecondition  // 428
        case rateLimited  // 429
    }

    /// One invalid input field, reported in `details.validationError.fieldViolations`.
    public struct FieldViolation: Sendable, Equatable {
        public var field: String
        public var description: String
        public var violatedRule: String

        public init(field: String, description: String, violatedRule: String) {
            self.field = field
            self.description = description
            self.violatedRule = violatedRule
        }
    }

    public var category: Category
    /// Stable application code (`MEMBER_NOT_ELIGIBLE`); nil for pure validation errors.
    public var code: String?
    public var message: String
    public var data: [String: String]
    public var fieldViolations: [FieldViolation]

    public init(
        _ category: Category,
        code: String?,
        message: String,
        data: [String: String] = [:],
        fieldViolations: [FieldViolation] = []
    ) {
        self.category = category
        self.code = code
        self.message = message
        self.data = data
        self.fieldViolations = fieldViolations
    }
}

extension ReferralError: CustomStringConvertible {
    public var description: String { code.map { "\($0): \(message)" } ?? message }
}

extension ReferralError {
    /// Invalid input fields (400 with a `validationError` body).
    public static func validation(_ violations: [FieldViolation]) -> ReferralError {
        let message = violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
        return ReferralError(.invalidArgument, code: nil, message: message, fieldViolations: violations)
    }

    public static func validation(field: String, _ description: String, rule: String) -> ReferralError {
        validation([FieldViolation(field: field, description: description, violatedRule: rule)])
    }

    /// A bad request with an application code (`INVALID_FILTER`, `INVALID_CURSOR`, ...).
    public static func invalidArgument(_ code: String, _ message: String, field: String? = nil) -> ReferralError {
        var error = ReferralError(.invalidArgument, code: code, message: message)
        if let field { error.data["field"] = field }
        return error
    }

    public static func invalidFilter(_ message: String) -> ReferralError {
        .invalidArgument("INVALID_FILTER", message)
    }

    public static func invalidSort(_ message: String) -> ReferralError {
        .invalidArgument("INVALID_SORT", message)
    }

    public static func invalidCursor(_ message: String = "The cursor is malformed, was altered, or belongs to another query.")
        -> ReferralError
    {
        .invalidArgument("INVALID_CURSOR", message)
    }

    public static func unauthenticated(_ message: String) -> ReferralError {
        ReferralError(.unauthenticated, code: "UNAUTHENTICATED", message: message)
    }

    public static func permissionDenied(_ message: String) -> ReferralError {
        ReferralError(.permissionDenied, code: "PERMISSION_DENIED", message: message)
    }

    public static func notFound(_ code: String, _ message: String, id: String? = nil) -> ReferralError {
        var error = ReferralError(.notFound, code: code, message: message)
        if let id { error.data["id"] = id }
        return error
    }

    public static func referringCustomerNotFound(_ id: String) -> ReferralError {
        .notFound("REFERRING_CUSTOMER_NOT_FOUND", "Referring customer \(id) was not found.", id: id)
    }

    public static func referredFriendNotFound(_ id: String) -> ReferralError {
        .notFound("REFERRED_FRIEND_NOT_FOUND", "Referred friend \(id) was not found.", id: id)
    }

    public static func referralCodeNotFound(_ code: String) -> ReferralError {
        var error = ReferralError(.notFound, code: "REFERRAL_CODE_NOT_FOUND", message: "Referral code \(code) was not found.")
        error.data["referralCode"] = code
        return error
    }

    public static func revisionMismatch(expected: Int64, actual: Int64) -> ReferralError {
        ReferralError(
            .conflict,
            code: "REVISION_MISMATCH",
            message: "The entity has changed since revision \(expected); its current revision is \(actual).",
            data: ["currentRevision": String(actual)]
        )
    }

    public static func payloadTooLarge(limit: Int) -> ReferralError {
        ReferralError(
            .payloadTooLarge,
            code: "PAYLOAD_TOO_LARGE",
            message: "The request body is larger than the limit of \(limit) bytes.",
            data: ["limit": String(limit)]
        )
    }

    public static func memberNotEligible(_ reason: String) -> ReferralError {
        ReferralError(
            .failedPrecondition,
            code: "MEMBER_NOT_ELIGIBLE",
            message: "The member isn't eligible to become a referred friend: \(reason)",
            data: ["reason": reason]
        )
    }

    public static func programNotActive(_ status: ProgramStatus) -> ReferralError {
        ReferralError(
            .failedPrecondition,
            code: "PROGRAM_NOT_ACTIVE",
            message: "The referral program is \(status.rawValue), not ACTIVE.",
            data: ["status": status.rawValue]
        )
    }

    public static func programNotReady(_ message: String) -> ReferralError {
        ReferralError(.failedPrecondition, code: "PROGRAM_NOT_READY", message: message)
    }
}
