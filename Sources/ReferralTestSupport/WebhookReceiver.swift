import Crypto
import Foundation
import Hummingbird
import Logging
import Synchronization

/// One webhook request as a receiver saw it.
public struct ReceivedWebhook: Sendable {
    public var eventID: String
    public var eventType: String
    public var body: Data
    /// Checked independently of the server's own signing code.
    public var signatureValid: Bool
    /// The status the receiver answered.
    public var answered: Int
}

/// A real HTTP receiver on a loopback port, for webhook tests. It checks each request's
/// signature, answers the statuses it is told to (then 200), and keeps every request.
public final class WebhookReceiver: Sendable {
    private struct State {
        var secret = ""
        var answers: [Int] = []
        var received: [ReceivedWebhook] = []
        var delay: Duration = .zero
    }

    /// Shared between the receiver and its route handler.
    private final class Shared: Sendable {
        let state = Mutex(State())
        func withLock<T: Sendable>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }
    }

    public let url: String
    private let state: Shared
    private let server: Task<Void, any Error>

    private init(url: String, state: Shared, server: Task<Void, any Error>) {
        self.url = url
        self.state = state
        self.server = server
    }

    /// Starts listening on a free port of 127.0.0.1; requests go to `url`.
    public static func start() async throws -> WebhookReceiver {
        let state = Shared()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = Data(buffer: try await request.collectBody(upTo: 1 << 20))
            let delay = state.withLock { $0.delay }
            if delay > .zero { try await Task.sleep(for: delay) }
            let secret = state.withLock { $0.secret }
            let valid = Self.verify(header: request.headers[.init("x-referrals-signature")!] ?? "", secret: secret, body: body)
            let status = state.withLock { state -> Int in
                let status = state.answers.isEmpty ? 200 : state.answers.removeFirst()
                state.received.append(
                    ReceivedWebhook(
                        eventID: request.headers[.init("x-referrals-event-id")!] ?? "",
                        eventType: request.headers[.init("x-referrals-event-type")!] ?? "", body: body, signatureValid: valid,
                        answered: status
                    )
                )
                return status
            }
            return Response(status: .init(code: status))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical  // stopping by cancellation logs harmless errors
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }), port > 0 else {
            server.cancel()
            throw TestSetupError("the webhook receiver did not start")
        }
        return WebhookReceiver(url: "http://127.0.0.1:\(port)/hook", state: state, server: server)
    }

    /// The subscription's signing secret, to check signatures with.
    public func expect(secret: String) { state.withLock { $0.secret = secret } }

    /// The statuses to answer next, in order (then 200 again).
    public func answer(_ statuses: [Int]) { state.withLock { $0.answers = statuses } }

    /// Waits this long before answering each request (a slow receiver).
    public func delay(_ delay: Duration) { state.withLock { $0.delay = delay } }

    public var received: [ReceivedWebhook] { state.withLock { $0.received } }

    public func stop() async {
        server.cancel()
        _ = try? await server.value
    }

    /// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as a receiver would check it.
    static func verify(header: String, secret: String, body: Data) -> Bool {
        let parts = Dictionary(
            header.split(separator: ",").compactMap { part -> (String, String)? in
                let pair = part.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            },
            uniquingKeysWith: { first, _ in first }
        )
        guard let timestamp = parts["t"], let signature = parts["v1"] else { return false }
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined() == signature
    }
}

/// A clock tests move by hand, so retry schedules of hours run in milliseconds.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(to date: Date) { current.withLock { $0 = max($0, date) } }

    public func advance(by interval: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(interval) } }
}
