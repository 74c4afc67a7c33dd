import Foundation
import Logging

/// Folds the write-ahead log back into the database file, mostly on a thread of its own.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that pushes the log past 1,000 pages:
/// the single writer then copies all those pages into the database file while every queued
/// write waits. Here the writer's commit only signals this thread, which checkpoints passively
/// on its own connection, so the copying overlaps the next write transactions. SQLite can only
/// start the log over when a write transaction begins with every frame copied, which a
/// background pass under steady writes never achieves; so once the log is long enough to be
/// worth starting over, the writer copies the frames written since the last pass itself, after
/// answering the batch whose commit found the log that long (SQLite would do it inside that
/// `COMMIT`). That copy ends with two fsyncs on the writer's path, so it happens once per
/// `restartFrames`, not at every pass.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// Uncopied log frames (pages) past which a background pass is started: SQLite's own default.
    static let thresholdFrames = 1000
    /// Log frames past which the writer finishes the copying itself so the log starts over
    /// (about 24 MiB of 4 KiB pages).
    static let restartFrames = 6 * thresholdFrames
    /// How far the background pass may fall behind before the writer waits for it and copies
    /// the rest itself: with `restartFrames` this bounds the log (about 40 MiB) when writes
    /// outpace it.
    static let maximumLagFrames = 4 * thresholdFrames

    private let connection: SQLiteDirectConnection
    private let logger: Logger
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var state = State()

    private struct State {
        var requested = false
        var running = false
        var stopping = false
        /// Frames of the current log known to be in the database file, and the log's size then.
        var backfilled = 0
        var logFrames = 0
    }

    init(connection: SQLiteDirectConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
        let thread = Thread { [self] in self.loop() }
        thread.name = "referrals-sqlite-checkpointer"
        thread.start()
    }

    /// Makes `writer` hand its checkpoints to this thread.
    func watch(_ writer: SQLiteDirectConnection) {
        writer.onWALCommit(
            SQLiteWALHook(
                { [weak self] frames in self?.committed(logFrames: frames) ?? false },
                checkpointed: { [weak self] log, checkpointed in self?.record(logFrames: log, backfilled: checkpointed) }
            ))
    }

    /// After a batch's commit left `logFrames` in the log (and the batch was answered): true
    /// when the writer should copy the remainder itself now.
    private func committed(logFrames frames: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if frames < state.logFrames {
            // The log started over.
            state.backfilled = 0
        }
        state.logFrames = frames
        guard frames >= Self.thresholdFrames, !state.stopping else { return false }
        let lag = frames - state.backfilled
        if state.running {
            guard lag > Self.maximumLagFrames else { return false }
            // Writes outpace the background pass: wait for it, then copy the rest here.
            while state.running { condition.wait() }
            return true
        }
        if lag > Self.maximumLagFrames || (frames >= Self.restartFrames && state.backfilled > 0) { return true }
        if lag >= Self.thresholdFrames {
            state.requested = true
            condition.signal()
        }
        return false
    }

    private func record(logFrames: Int, backfilled: Int) {
        condition.lock()
        state.logFrames = logFrames
        state.backfilled = backfilled
        condition.unlock()
    }

    /// Ends the thread after any checkpoint in progress and closes its connection.
    func stop() {
        condition.lock()
        state.stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while !state.requested && !state.stopping { condition.wait() }
            let stop = state.stopping
            state.requested = false
            state.running = !stop
            condition.unlock()
            if stop { break }
            var outcome: (logFrames: Int, checkpointed: Int)?
            do {
                outcome = try connection.checkpointPassively()
            } catch {
                logger.warning("background WAL checkpoint failed", metadata: ["error": "\(error)"])
            }
            condition.lock()
            if let outcome {
                state.logFrames = outcome.logFrames
                state.backfilled = outcome.checkpointed
            }
            state.running = false
            condition.broadcast()
            condition.unlock()
        }
        connection.close()
    }
}
