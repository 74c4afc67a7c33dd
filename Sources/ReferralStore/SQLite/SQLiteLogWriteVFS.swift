import VaporCSQLite

/// A VFS over SQLite's default one that hands a commit's write-ahead-log frames to the kernel in
/// a few large writes instead of two per page.
///
/// SQLite writes each frame of the log with two calls, its 24-byte header and then the page, and
/// a 4,120-byte frame straddles two pages of the OS's cache: a batch of new orders writes some
/// 285 frames, 570 system calls, which took about 15 % of the writer thread's CPU. Here the
/// writes to a log file collect in a buffer that goes out, in writes of up to 124 KiB, before
/// anything can depend on it:
/// - before the log is synced (`xSync`); with `synchronous=FULL` SQLite syncs the log at every
///   commit before it publishes the commit to other connections, which is why the store uses
///   this VFS only with `FULL`;
/// - before the commit is published in any case: SQLite writes the log index's header twice with
///   a memory barrier (`xShmBarrier`, on the database file) between the copies, and readers
///   trust only a header whose copies agree, so no reader sees a frame before the barrier
///   returns;
/// - before the log is read, truncated, measured, closed or written out of sequence.
///
/// A process that dies loses only its buffer: frames of a commit that was not yet published,
/// which recovery ignores, as it would a process that died half-way through its writes.
/// Each SQLite connection uses its files from one thread at a time, so the buffer has no lock.
enum SQLiteLogWriteVFS {
    static let name = "\(cName)"
    /// A literal: its bytes stay in place and end with a NUL, as `sqlite3_vfs.zName` needs.
    private static let cName: StaticString = "referrals-log-writes"

    /// Registers the VFS on first use; nil if SQLite has no default VFS to wrap.
    static let registeredName: String? = register()

    /// Past this many buffered bytes, the buffer goes out before it takes more.
    static let bufferLimit = 8 << 20
    /// The most one write of the default VFS takes: its `seekAndWrite` keeps only the low 17
    /// bits of the length (`cnt &= 0x1ffff`), so a longer write would be cut short and fail as
    /// "disk full". 124 KiB, a whole number of OS pages.
    static let largestWrite = 0x1ffff & ~0xfff

    /// The default VFS, which does the real work.
    nonisolated(unsafe) private static let base: UnsafeMutablePointer<sqlite3_vfs>? = sqlite_nio_sqlite3_vfs_find(nil)

    private static func register() -> String? {
        guard let base else { return nil }
        // A copy of the default VFS with our own open; the other methods ignore the VFS
        // pointer they are given, or read only fields the copy keeps.
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafeRawPointer(cName.utf8Start).assumingMemoryBound(to: CChar.self)
        vfs.pointee.szOsFile = Int32(realFileOffset) + base.pointee.szOsFile
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in
            SQLiteLogWriteVFS.open(name: name, file: file, flags: flags, outFlags: outFlags)
        }
        guard sqlite_nio_sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return name
    }

    // A wrapped file: `sqlite3_file` (our methods), then a pointer to its `WrappedFile`, then the
    // default VFS's own file object.
    private static let statePointerOffset = MemoryLayout<sqlite3_file>.stride
    private static let realFileOffset = statePointerOffset + MemoryLayout<UnsafeRawPointer>.stride

    private static func open(
        name: sqlite3_filename?, file: UnsafeMutablePointer<sqlite3_file>?, flags: Int32, outFlags: UnsafeMutablePointer<Int32>?
    ) -> Int32 {
        guard let base, let file, let baseOpen = base.pointee.xOpen else { return SQLITE_CANTOPEN }
        let isLog = flags & SQLITE_OPEN_WAL != 0
        guard isLog || flags & SQLITE_OPEN_MAIN_DB != 0 else {
            // Journals and temporary files: the default VFS's file object, unwrapped.
            return baseOpen(base, name, file, flags, outFlags)
        }
        let raw = UnsafeMutableRawPointer(file)
        let real = (raw + realFileOffset).assumingMemoryBound(to: sqlite3_file.self)
        real.pointee.pMethods = nil
        let status = baseOpen(base, name, real, flags, outFlags)
        guard real.pointee.pMethods != nil else {
            file.pointee.pMethods = nil
            return status
        }
        let wrapped = WrappedFile(real: real, isLog: isLog)
        if isLog, let name, let database = sqlite_nio_sqlite3_database_file_object(name),
            database.pointee.pMethods == UnsafePointer(methods)
        {
            // The database file's barrier flushes this log's buffer.
            let owner = wrappedFile(database)
            owner.log = wrapped
            wrapped.database = owner
        }
        (raw + statePointerOffset).storeBytes(of: UnsafeRawPointer(Unmanaged.passRetained(wrapped).toOpaque()), as: UnsafeRawPointer.self)
        file.pointee.pMethods = UnsafePointer(methods)
        return status
    }

    /// For a log file opened through this VFS: the writes SQLite made to it, and the writes
    /// that went to the file system for them (tests).
    static func counters(ofLog file: UnsafeMutablePointer<sqlite3_file>) -> (writes: Int, flushes: Int)? {
        guard file.pointee.pMethods == UnsafePointer(methods) else { return nil }
        let wrapped = wrappedFile(file)
        return wrapped.isLog ? (wrapped.writes, wrapped.flushes) : nil
    }

    private static func wrappedFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> WrappedFile {
        let pointer = UnsafeMutableRawPointer(file).load(fromByteOffset: statePointerOffset, as: UnsafeRawPointer.self)
        return Unmanaged<WrappedFile>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs `body` with the wrapped file; SQLITE_IOERR when SQLite passes no file.
    private static func with(_ file: UnsafeMutablePointer<sqlite3_file>?, _ body: (WrappedFile) -> Int32) -> Int32 {
        guard let file else { return SQLITE_IOERR }
        return body(wrappedFile(file))
    }

    nonisolated(unsafe) private static let methods: UnsafeMutablePointer<sqlite3_io_methods> = {
        var io = sqlite3_io_methods()
        io.iVersion = 3
        io.xClose = { file in
            guard let file else { return SQLITE_IOERR }
            let pointer = UnsafeMutableRawPointer(file).load(fromByteOffset: statePointerOffset, as: UnsafeRawPointer.self)
            let wrapped = Unmanaged<WrappedFile>.fromOpaque(pointer).takeRetainedValue()
            return wrapped.close()
        }
        io.xRead = { file, data, amount, offset in
            with(file) { $0.read(into: data, amount: amount, at: offset) }
        }
        io.xWrite = { file, data, amount, offset in
            with(file) { $0.write(data, amount: amount, at: offset) }
        }
        io.xTruncate = { file, size in
            with(file) { wrapped in wrapped.afterFlush { $0.xTruncate!(wrapped.real, size) } }
        }
        io.xSync = { file, flags in
            with(file) { wrapped in wrapped.afterFlush { $0.xSync!(wrapped.real, flags) } }
        }
        io.xFileSize = { file, size in
            with(file) { wrapped in wrapped.afterFlush { $0.xFileSize!(wrapped.real, size) } }
        }
        io.xLock = { file, lock in
            with(file) { $0.methods.xLock!($0.real, lock) }
        }
        io.xUnlock = { file, lock in
            with(file) { $0.methods.xUnlock!($0.real, lock) }
        }
        io.xCheckReservedLock = { file, result in
            with(file) { $0.methods.xCheckReservedLock!($0.real, result) }
        }
        io.xFileControl = { file, operation, argument in
            with(file) { wrapped in wrapped.afterFlush { $0.xFileControl!(wrapped.real, operation, argument) } }
        }
        io.xSectorSize = { file in
            with(file) { $0.methods.xSectorSize!($0.real) }
        }
        io.xDeviceCharacteristics = { file in
            with(file) { $0.methods.xDeviceCharacteristics!($0.real) }
        }
        io.xShmMap = { file, page, size, extend, memory in
            with(file) { $0.methods.xShmMap?($0.real, page, size, extend, memory) ?? SQLITE_IOERR }
        }
        io.xShmLock = { file, offset, count, flags in
            with(file) { $0.methods.xShmLock?($0.real, offset, count, flags) ?? SQLITE_IOERR }
        }
        io.xShmBarrier = { file in
            _ = with(file) { wrapped in
                wrapped.publishLog()
                wrapped.methods.xShmBarrier?(wrapped.real)
                return SQLITE_OK
            }
        }
        io.xShmUnmap = { file, delete in
            with(file) { $0.methods.xShmUnmap?($0.real, delete) ?? SQLITE_OK }
        }
        io.xFetch = { file, offset, amount, pointer in
            with(file) { wrapped in
                wrapped.afterFlush { methods in
                    guard let fetch = methods.xFetch else {
                        pointer?.pointee = nil
                        return SQLITE_OK
                    }
                    return fetch(wrapped.real, offset, amount, pointer)
                }
            }
        }
        io.xUnfetch = { file, offset, pointer in
            with(file) { $0.methods.xUnfetch?($0.real, offset, pointer) ?? SQLITE_OK }
        }
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: io)
        return methods
    }()
}

/// One open database or log file of the default VFS, and for a log, its buffered writes.
private final class WrappedFile {
    let real: UnsafeMutablePointer<sqlite3_file>
    let isLog: Bool
    /// The log of this database file's connection, while both are open (database files).
    var log: WrappedFile?
    /// The database file whose connection writes this log (logs).
    unowned(unsafe) var database: WrappedFile?
    private let buffer = LogWriteBuffer()
    /// Writes SQLite made to this log.
    private(set) var writes = 0
    var flushes: Int { buffer.flushes }

    init(real: UnsafeMutablePointer<sqlite3_file>, isLog: Bool) {
        self.real = real
        self.isLog = isLog
    }

    var methods: sqlite3_io_methods { real.pointee.pMethods.pointee }

    func close() -> Int32 {
        let flushed = flush()
        if isLog {
            database?.log = nil
        } else {
            log?.database = nil
            log = nil
        }
        let closed = methods.xClose!(real)
        return flushed == SQLITE_OK ? closed : flushed
    }

    /// Flushes, then runs `body` with the default VFS's methods.
    func afterFlush(_ body: (sqlite3_io_methods) -> Int32) -> Int32 {
        let flushed = flush()
        guard flushed == SQLITE_OK else { return flushed }
        return body(methods)
    }

    func read(into data: UnsafeMutableRawPointer?, amount: Int32, at offset: Int64) -> Int32 {
        afterFlush { $0.xRead!(real, data, amount, offset) }
    }

    func write(_ data: UnsafeRawPointer?, amount: Int32, at offset: Int64) -> Int32 {
        guard isLog, let data else { return methods.xWrite!(real, data, amount, offset) }
        writes += 1
        return buffer.write(data, count: Int(amount), at: offset, flushing: writeOut)
    }

    /// Called by the database file at SQLite's barrier before a commit becomes visible. The log
    /// is normally flushed by then (`xSync`); if not, and its writes fail, the commit must not
    /// be published with frames missing from the file, and it can no longer be stopped: ending
    /// the process leaves the log index's header half-written, which makes the next open
    /// recover from the log on disk, without the commit.
    func publishLog() {
        guard let log, !log.buffer.isEmpty else { return }
        let status = log.flush()
        if status != SQLITE_OK {
            fatalError("referrals: writing the SQLite write-ahead log failed (code \(status)) while a commit was being published")
        }
    }

    func flush() -> Int32 {
        buffer.flush(writeOut)
    }

    private func writeOut(_ bytes: UnsafeRawPointer, _ count: Int, _ offset: Int64) -> Int32 {
        methods.xWrite!(real, bytes, Int32(count), offset)
    }
}

/// A log's writes since they last went out: one run of bytes of the file, which goes out in
/// writes of at most `largestWrite` bytes.
final class LogWriteBuffer {
    /// Past this many bytes, the buffer goes out before it takes more.
    let limit: Int
    let largestWrite: Int
    /// Times the bytes went out.
    private(set) var flushes = 0

    /// The file offset of the first byte held, and how many are held.
    private var start: Int64 = 0
    private var count = 0
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    init(limit: Int = SQLiteLogWriteVFS.bufferLimit, largestWrite: Int = SQLiteLogWriteVFS.largestWrite) {
        self.limit = limit
        self.largestWrite = largestWrite
    }

    deinit { storage?.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// Takes `count` bytes for `offset`: they extend the run, or replace bytes within it; a
    /// write anywhere else, or past the limit, sends the run out first (through `flushing`,
    /// whose status it returns when that fails).
    func write(
        _ data: UnsafeRawPointer, count length: Int, at offset: Int64, flushing: (UnsafeRawPointer, Int, Int64) -> Int32
    ) -> Int32 {
        if count > 0 {
            let end = start + Int64(count)
            if offset >= start, offset + Int64(length) <= end {
                // Bytes already held, written again (a page SQLite changed again within the
                // transaction, after writing it to the log).
                (storage! + Int(offset - start)).copyMemory(from: data, byteCount: length)
                return SQLITE_OK
            }
            if offset != end || count + length > limit {
                let flushed = flush(flushing)
                guard flushed == SQLITE_OK else { return flushed }
            }
        }
        if count == 0 { start = offset }
        reserve(count + length)
        (storage! + count).copyMemory(from: data, byteCount: length)
        count += length
        return SQLITE_OK
    }

    /// Sends the run out through `write`, in order. On failure the bytes are dropped, as a
    /// failed write would have left them.
    func flush(_ write: (UnsafeRawPointer, Int, Int64) -> Int32) -> Int32 {
        guard count > 0, let storage else { return SQLITE_OK }
        flushes += 1
        var status = SQLITE_OK
        var done = 0
        while done < count, status == SQLITE_OK {
            let chunk = min(count - done, largestWrite)
            status = write(storage + done, chunk, start + Int64(done))
            done += chunk
        }
        count = 0
        return status
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var size = max(capacity * 2, 256 << 10)
        while size < needed { size *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        if let storage {
            grown.copyMemory(from: storage, byteCount: count)
            storage.deallocate()
        }
        storage = grown
        capacity = size
    }
}
