import Foundation
import ReferralTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `referrals` executable, started as a child process on a loopback port.
final class LiveServer: @unchecked Sendable {
    static let adminKey = "rfk_live_test_admin_key_0123456789abcdef"

    let process: ChildProcess
    let baseURL: URL

    /// The binary built by `swift build`: `REFERRALS_BINARY`, else `.build/debug/referrals`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["REFERRALS_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/referrals")
    }

    /// Starts `referrals serve` on `database` (a `--database` argument) and waits until it prints its URL.
    init(database: String, environment extra: [String: String] = [:]) throws {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LiveTestError("no referrals binary at \(binary.path): run `swift build` first (scripts/test does)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["REFERRALS_ADMIN_API_KEY"] = Self.adminKey
        environment["REFERRALS_TOKEN_SECRET"] = "live-test-token-secret-at-least-32-bytes"
        environment.merge(extra) { _, new in new }
        process = try ChildProcess(
            executable: binary.path, arguments: ["serve", "--port", "0", "--database", database, "--log-level", "warning"],
            environment: environment)
        baseURL = try Self.waitForURL(process.standardOutput, process: process)
    }

    /// Reads the child's stdout until the "listening on" line (at most 60 s).
    private static func waitForURL(_ handle: FileHandle, process: ChildProcess) throws -> URL {
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                guard process.isRunning else { throw LiveTestError("server exited early: \(text)") }
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression) {
                let match = String(text[range]).replacingOccurrences(of: "listening on ", with: "")
                guard let url = URL(string: match) else { break }
                return url
            }
        }
        process.signal(SIGTERM)
        throw LiveTestError("server did not announce its URL: \(text)")
    }

    /// SIGKILL: no shutdown code runs, as in a crash.
    func kill9() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM: graceful shutdown; returns the exit status. A server still running a minute
    /// later (its own shutdown limits are 30 s + 10 s) is a failure, and is killed so that the
    /// suite goes on instead of hanging.
    func terminate(sourceLocation: SourceLocation = #_sourceLocation) -> Int32 {
        process.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("the server did not exit within 60 s of SIGTERM", sourceLocation: sourceLocation)
            process.signal(SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends a request with the admin key and returns the status and the JSON body.
    func call(_ method: String, _ path: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue(Self.adminKey, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, json)
    }
}

struct LiveTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a fresh database of this test pass, dropped afterwards.
func withLiveDatabase(_ body: (TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.make()
    do {
        try await body(database)
    } catch {
        await database.drop()
        throw error
    }
    await database.drop()
}
