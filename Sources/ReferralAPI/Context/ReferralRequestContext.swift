import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage plus the request id and the
/// body limit of this deployment.
public struct ReferralRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware`: the caller's `x-request-id` or one we made.
    public var requestID: String
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.maxUploadSize = AppConfiguration.defaultMaxBodyBytes
    }
}
