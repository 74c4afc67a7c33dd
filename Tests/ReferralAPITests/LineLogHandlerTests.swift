import Foundation
import Logging
import ReferralAPI
import Synchronization
import Testing

/// The server's log handler writes the lines swift-log's `StreamLogHandler` writes.
@Suite("Log lines")
struct LineLogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var all: String { text.withLock { $0 } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the disk is full" }
    }

    /// The same log calls through both handlers; each line without its timestamp, and the timestamps.
    static func both(
        label: String = "referrals", provider: Logger.MetadataProvider? = nil, _ body: (inout Logger) -> Void
    ) -> (ours: [String], theirs: [String], stamps: [String]) {
        let ours = Lines()
        let theirs = Lines()
        var mine = Logger(label: label) { LineLogHandler(label: $0, stream: ours, metadataProvider: provider) }
        var reference = Logger(label: label) { StreamLogHandler(label: $0, stream: theirs, metadataProvider: provider) }
        body(&mine)
        body(&reference)
        func split(_ text: String) -> [(String, String)] {
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
                let space = line.firstIndex(of: " ")!
                return (String(line[..<space]), String(line[space...]))
            }
        }
        let mineLines = split(ours.all)
        return (mineLines.map(\.1), split(theirs.all).map(\.1), mineLines.map(\.0))
    }

    @Test("lines match StreamLogHandler's, metadata set on the logger, given per line, and by a provider")
    func sameLines() {
        let provider = Logger.MetadataProvider { ["trace.id": "abc", "request.id": "from-provider"] }
        let (ours, theirs, stamps) = Self.both(provider: provider) { logger in
            logger.logLevel = .debug
            logger.info("plain")
            logger[metadataKey: "request.id"] = "r-1"
            logger[metadataKey: "hb.request.id"] = "7f"
            logger.debug("with metadata", metadata: ["http.status": "200", "a": .array(["x", "y"]), "request.id": "explicit"])
            logger.trace("below the level")
            logger.error("failed", error: Failure())
            logger[metadataKey: "request.id"] = nil
            logger.warning("removed", metadata: ["nested": .dictionary(["k": "v"])])
        }
        #expect(ours.count == 4)
        #expect(ours == theirs)
        #expect(ours[0] == " info referrals: request.id=from-provider trace.id=abc [ReferralAPITests] plain")
        #expect(
            ours[1].contains(#"a=["x", "y"] hb.request.id"#) && ours[1].contains("=7f http.status=200 request.id=explicit trace.id=abc"))
        #expect(ours[2].contains("error.message=the disk is full"))
        for stamp in stamps {
            // 2026-11-21T15:51:49+0000
            #expect(stamp.count == 24, "\(stamp)")
            #expect(stamp.dropFirst(10).first == "T")
        }
    }

    @Test("no label and no metadata: nothing between the level and the source")
    func bare() {
        let (ours, theirs, _) = Self.both(label: "") { logger in
            logger.notice("hello")
        }
        #expect(ours == [" notice: [ReferralAPITests] hello"])
        #expect(ours == theirs)
    }

    @Test("a line below the logger's level is never formatted or written")
    func levels() {
        let lines = Lines()
        var logger = Logger(label: "l") { LineLogHandler(label: $0, stream: lines) }
        logger.logLevel = .warning
        logger[metadataKey: "k"] = "v"
        logger.info("quiet")
        logger.warning("loud")
        #expect(lines.all.hasSuffix(" warning l: k=v [ReferralAPITests] loud\n"))
        #expect(!lines.all.contains("quiet"))
        #expect(logger[metadataKey: "k"] == "v")
    }
}
