import Foundation

/// A task executor backed by one dedicated thread, run in FIFO order.
///
/// The SQLite writer runs its transactions here: a task that prefers this executor keeps all
/// its synchronous SQLite work, fsync included, off Swift's cooperative pool (whose threads
/// must never block) and never waits behind request handling between two statements.
final class SerialThreadExecutor: TaskExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [UnownedJob] = []
    private var running: [UnownedJob] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        pending.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once every enqueued job has run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                return
            }
            swap(&pending, &running)
            condition.unlock()
            for job in running { job.runSynchronously(on: executor) }
            running.removeAll(keepingCapacity: true)
        }
    }
}
