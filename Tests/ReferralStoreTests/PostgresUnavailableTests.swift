import Foundation
import Logging
import ReferralCore
import Testing

@testable import ReferralStore

/// Waiting for a pooled PostgreSQL connection is bounded: by the connect timeout (a 503 to
/// clients), and by the caller's cancellation (a shutdown). Nothing listens on the port here,
/// so the pool never gets a connection; no PostgreSQL server is needed.
@Suite("PostgreSQL store without a server")
struct PostgresUnavailableTests {
    /// A loopback port nothing listens on.
    private func closedPortURL() throws -> String {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        #expect(bound)
        return "postgres://postgres@127.0.0.1:\(UInt16(bigEndian: address.sin_port))/referrals?sslmode=disable"
    }

    @Test("the wait for a connection ends with StoreUnavailableError after the connect timeout")
    func connectTimeout() async throws {
        let url = try closedPortURL()
        let started = ContinuousClock.now
        await #expect(throws: StoreUnavailableError.self) {
            _ = try await PostgresReferralStore.open(
                url: url, options: .init(connectTimeout: .milliseconds(300)), logger: Logger(label: "test"))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(300))
        #expect(elapsed < .seconds(10))
    }

    @Test("cancelling the caller ends the wait at once, long before the connect timeout")
    func cancellation() async throws {
        let url = try closedPortURL()
        let started = ContinuousClock.now
        let opening = Task {
            try await PostgresReferralStore.open(url: url, options: .init(connectTimeout: .seconds(60)), logger: Logger(label: "test"))
        }
        try await Task.sleep(for: .milliseconds(200))
        opening.cancel()
        await #expect(throws: CancellationError.self) { _ = try await opening.value }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
