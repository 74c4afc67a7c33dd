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
/// worth starting over, passes run back to back, and when one has left at most
/// `restartLagFrames` behind, the writer copies those itself, after answering the batch whose
/// commit found the log that long (SQLite would copy inside that `COMMIT`). That copy ends with
/// two fsyncs on the writer's path, so it happens once per `restartFrames`, not at every pass.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// Uncopied log frames (pages) past which a background pass is started. A pass copies the
    /// latest version of each page once, so a longer stretch copies the pages every write
    /// touches (the tables' and indexes' append points, the statistics) fewer times: twice
    /// SQLite's default took 10-20 % off the server's CPU per new friend or order. Three times
    /// did as much, but the writer's copies (below) then flushed more pages each and the p99
    /// of new friends grew.
    static let thresholdFrames = 2000
    /// Log frames past which the log is due to start over (about 48 MiB of 4 KiB pages): from
    /// then on passes run back to back, and the writer copies the remainder itself once it is
    /// at most `restartLagFrames`.
    static let restartFrames = 6 * thresholdFrames
    /// The most frames the writer copies to start the log over, unless writes outpace the
    /// background passes: the copy ends with an fsync of the database file, which the next
    /// batch waits for.
    static let restartLagFrames = 1000
    /// How far the background pass may fall behind before the writer waits for it and copies
    /// the rest itself: with `restartFrames` this bounds the log (about 80 MiB) when writes
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
        if lag > Self.maximumLagFrames { return true }
        if frames >= Self.restartFrames {
            if state.backfilled > 0, lag <= Self.restartLagFrames { return true }
        } else if lag < Self.thresholdFrames {
            return false
        }
        state.requested = true
        condition.signal()
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
