import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ReferralCore
import ServiceLifecycle
import Synchronization

/// Delivers webhook events: leases due deliveries, posts them signed, records the outcome and
/// schedules retries. Runs inside `referrals serve` as a service; several servers on one
/// PostgreSQL database share the queue through leases, so a delivery is sent by one of them.
/// At-least-once: a crash between sending and recording lets the lease expire, and the
/// delivery is sent again (receivers de-duplicate by event id).
public final class WebhookDispatcher: Service, Sendable {
    public struct Options: Sendable {
        /// How long to wait between polls when nothing is due.
        public var pollInterval: Duration = .seconds(1)
        /// How long a leased delivery is hidden from other dispatchers. Longer than the request
        /// timeout, so a delivery being sent is never leased twice.
        public var lease: TimeInterval = 60
        public static let minimumLease: TimeInterval = 15
        /// Deliveries sent at once.
        public var batchSize = 32
        /// A receiver must answer within this.
        public var timeout: TimeAmount = .seconds(10)
        public var retry = RetryPolicy()

        public init() {}
    }

    let store: any ReferralStore
    let secrets: SecretBox
    let http: HTTPClient
    let options: Options
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any ReferralStore, secrets: SecretBox, options: Options = Options(), now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        self.secrets = secrets
        self.options = options
        self.now = now
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // Our retry policy owns retries: a refused connection fails this attempt at once
        // instead of being retried inside the client until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: options.timeout, read: options.timeout)
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Delivers until graceful shutdown. Deliveries run concurrently, up to `batchSize` at a
    /// time, and free slots are refilled as soon as any delivery ends, so one slow receiver
    /// never holds up the others. On shutdown no new delivery is leased, and those in flight
    /// finish and record their outcome (bounded by the request timeout).
    public func run() async throws {
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let free = options.batchSize - inFlight.count
                var leased = 0
                if free > 0 {
                    do {
                        // Cancelled by shutdown, so a database that doesn't answer can't hold it up.
                        let due = try await cancelWhenGracefulShutdown { try await self.lease(limit: free) }
                        leased = due.count
                        for delivery in due {
                            inFlight.add(1)
                            group.addTask {
                                await self.deliver(delivery)
                                inFlight.add(-1)
                            }
                        }
                    } catch {
                        logger.error("webhook dispatch failed", metadata: ["error": "\(error)"])
                    }
                }
                if leased == 0 {
                    // Nothing due (or every slot busy): wait, but wake at once for shutdown.
                    let pause = free > 0 ? options.pollInterval : .milliseconds(20)
                    await cancelWhenGracefulShutdown { try? await Task.sleep(for: pause) }
                }
            }
        }
        try await http.shutdown()
    }

    private func lease(limit: Int) async throws -> [WebhookDelivery] {
        let now = self.now()
        let leaseUntil = now.addingTimeInterval(options.lease)
        return try await store.write { try await $0.webhooks.leaseDue(now: now, leaseUntil: leaseUntil, limit: limit) }
    }

    /// Sends every delivery due now (one batch); returns how many were attempted.
    @discardableResult
    public func dispatchDue() async throws -> Int {
        let due = try await lease(limit: options.batchSize)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await self.deliver(delivery) } }
        }
        return due.count
    }

    /// Stops the HTTP client when the dispatcher was used without `run()` (tests).
    public func shutdown() async throws {
        try await http.shutdown()
    }

    private func deliver(_ delivery: WebhookDelivery) async {
        do {
            let loaded = try await store.read { tx -> (ChangeEvent?, WebhookSubscription?, String?) in
                (
                    try await tx.changeEvents.find(id: delivery.eventID, site: delivery.site),
                    try await tx.webhooks.subscription(id: delivery.subscriptionID, site: delivery.site),
                    try await tx.webhooks.sealedSecret(subscriptionID: delivery.subscriptionID, site: delivery.site)
                )
            }
            guard let event = loaded.0, let subscription = loaded.1, let sealed = loaded.2 else {
                try await record(delivery, failure: "the subscription or the event no longer exists", statusCode: nil, final: true)
                return
            }
            let body = try WebhookBody.encode(event)
            let timestamp = Int64(self.now().timeIntervalSince1970)
            var request = HTTPClientRequest(url: subscription.url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "referrals-webhooks/1")
            request.headers.add(name: "x-referrals-event-id", value: event.id.lowercased)
            request.headers.add(name: "x-referrals-event-type", value: event.eventType)
            request.headers.add(name: "x-referrals-delivery-id", value: delivery.id.lowercased)
            request.headers.add(
                name: "x-referrals-signature",
                value: WebhookSignature.header(secret: try secrets.open(sealed), timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await http.execute(request, timeout: options.timeout)
            // Read (and drop) a bounded answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) {
                let now = self.now()
                try await store.write { try await $0.webhooks.recordDelivered(delivery, statusCode: code, at: now) }
                logger.debug("webhook delivered", metadata: ["delivery.id": "\(delivery.id)", "http.status": "\(code)"])
            } else {
                try await record(delivery, failure: "HTTP \(code)", statusCode: code, final: false)
            }
        } catch {
            do {
                try await record(delivery, failure: "\(error)", statusCode: nil, final: false)
            } catch {
                logger.error("webhook outcome not recorded", metadata: ["delivery.id": "\(delivery.id)", "error": "\(error)"])
            }
        }
    }

    private func record(_ delivery: WebhookDelivery, failure: String, statusCode: Int?, final: Bool) async throws {
        let now = self.now()
        var generator = SystemRandomNumberGenerator()
        let next =
            final
            ? nil
            : options.retry.nextAttempt(afterFailures: delivery.attempts + 1, created: delivery.createdDate, now: now, using: &generator)
        try await store.write {
            try await $0.webhooks.recordFailure(delivery, error: failure, statusCode: statusCode, nextAttempt: next, at: now)
        }
        logger.info(
            next == nil ? "webhook delivery dead" : "webhook delivery failed",
            metadata: ["delivery.id": "\(delivery.id)", "attempts": "\(delivery.attempts + 1)", "error": "\(failure)"]
        )
    }
}

/// Deliveries being sent right now.
private final class InFlight: Sendable {
    private let value = Mutex(0)

    var count: Int { value.withLock { $0 } }

    func add(_ delta: Int) { value.withLock { $0 += delta } }
}
