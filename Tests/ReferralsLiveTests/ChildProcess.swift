import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn`, its standard output on a pipe and its standard
/// error discarded.
///
/// Foundation's `Process.run()` on Linux crashes now and then (Swift 6.3.1): to close the
/// parent's descriptors in the child it copies the whole 256-byte name of each `/proc/self/fd`
/// entry, reading past the end of glibc's buffer when an entry sits at its tail
/// (swift-corelibs-foundation #5472). It took down a test run here once. This spawns the child
/// directly: the pipe is close-on-exec in the parent, and where glibc offers it (2.34 and
/// later) the child closes every other inherited descriptor above standard error at start.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    /// The read end of the child's standard output.
    let standardOutput: FileHandle
    private let lock = NSLock()
    private var waitStatus: Int32?  // Guarded by `lock`.

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw LiveTestError("pipe: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, STDERR_FILENO + 1) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw LiveTestError("posix_spawn \(executable): error \(status)")
        }
        pid = child
        standardOutput = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which the Glibc
    /// module doesn't declare.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(
            symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// False once the child has exited (and been reaped).
    var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits for the child to exit.
    func waitUntilExit() { _ = reap(blocking: true) }

    /// The exit code, or the signal number when a signal ended it, as Foundation's `Process`
    /// reports it. Call after `waitUntilExit()`.
    var terminationStatus: Int32 {
        guard let status = reap(blocking: true) else { return -1 }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid {
                waitStatus = status
                return status
            }
            if result == -1 && errno == EINTR { continue }
            if result == -1 {
                // Not our child any more (reaped elsewhere): gone, its status unknown.
                waitStatus = 0xff00
                return waitStatus
            }
            return nil
        }
    }

    deinit {
        if reap(blocking: false) == nil {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }
}
