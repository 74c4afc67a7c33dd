import Testing

@testable import ReferralCore

@Suite("Secure random source")
struct SecureRandomTests {
    @Test("words across several refills of the pool are distinct and look uniform")
    func distinctWords() {
        var generator = SecureRandom()
        // Five refills of the 512-word pool.
        let words = (0..<2560).map { _ in generator.next() }
        #expect(Set(words).count == words.count)
        // Each of the 64 bit positions is set in about half of the words (a stuck or zeroed
        // buffer would fail: the bound is over 9 standard deviations wide).
        for bit in 0..<64 {
            let ones = words.count(where: { $0 & (1 << UInt64(bit)) != 0 })
            #expect((1050...1510).contains(ones), "bit \(bit) set in \(ones) of \(words.count) words")
        }
    }

    @Test("concurrent callers never get the same word")
    func concurrentCallers() async {
        let words = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var generator = SecureRandom()
                    return (0..<1000).map { _ in generator.next() }
                }
            }
            return await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        #expect(words.count == 8000)
        #expect(Set(words).count == 8000)
    }

    @Test("codes drawn with it are well formed and distinct")
    func codes() {
        let codes = (0..<2000).map { _ in ReferralCode.generate() }
        #expect(codes.allSatisfy(ReferralCode.isWellFormed))
        #expect(Set(codes).count == codes.count)
    }
}
