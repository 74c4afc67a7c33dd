import Testing

@testable import ReferralCore

@Suite("Hex and key hashing")
struct HexTests {
    @Test("bytes become two lower-case digits each, leading zeros kept")
    func encodesBytes() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
    }

    @Test("API keys hash to the SHA-256 test vector")
    func hashesLikeSHA256() {
        #expect(AccessService.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
