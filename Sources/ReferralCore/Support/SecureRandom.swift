import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The OS's cryptographic random source, read a few kilobytes at a time.
///
/// `SystemRandomNumberGenerator` makes a `getrandom` system call for every 64 bits, and a
/// referral code (12 characters drawn uniformly) took a dozen of them, a new id two more: on
/// the single SQLite writer, creating a referring customer spent more time in those calls than
/// in its JSON. This generator draws from the same kernel source, 4 KiB per read, and
/// hands them out under a lock. Nothing else changes: the codes, coupon codes, tokens and ids
/// made with it stay unpredictable.
public struct SecureRandom: RandomNumberGenerator {
    public init() {}

    public mutating func next() -> UInt64 {
        Self.pool.withLock { $0.next() }
    }

    /// `length` characters drawn uniformly from `alphabet`: codes, coupon codes, secrets.
    public static func text(length: Int, from alphabet: [Character]) -> String {
        var generator = SecureRandom()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        static let words = 512
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Pool.words)
        var position = Pool.words

        mutating func next() -> UInt64 {
            if position == Pool.words {
                Self.fill(UnsafeMutableRawBufferPointer(buffer))
                position = 0
            }
            defer {
                // A word is handed out once, and not left in memory after.
                buffer[position] = 0
                position += 1
            }
            return buffer[position]
        }

        /// The kernel's source through `/dev/urandom` (what `getrandom` reads, and the
        /// standard library's generator too; the Glibc module doesn't export `getrandom`).
        private static let device: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

        private static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
            var filled = 0
            while device >= 0 && filled < bytes.count {
                let count = read(device, bytes.baseAddress! + filled, bytes.count - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            guard filled < bytes.count else { return }
            // No device (a chroot without /dev): the standard library's generator, word by word.
            var system = SystemRandomNumberGenerator()
            for index in stride(from: 0, to: bytes.count, by: 8) {
                bytes.storeBytes(of: system.next(), toByteOffset: index, as: UInt64.self)
            }
        }

        deinit { buffer.deallocate() }
    }
}
