import Foundation
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

    @Test("UUIDs print in lower case and parse in either case, like Foundation's")
    func uuidText() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.lowercased == id.uuidString.lowercased())
            #expect(UUID(lowercasedOrAny: id.uuidString) == id)
            #expect(UUID(lowercasedOrAny: id.lowercased) == id)
        }
        let valid = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
        #expect(UUID(lowercasedOrAny: valid)?.lowercased == valid)
        for invalid in [
            "", "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g",
            "0190a1b2+c3d4-7e5f-8a9b-0c1d2e3f4a5b", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b0", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4aé",
        ] {
            #expect(UUID(lowercasedOrAny: invalid) == nil, "\(invalid)")
        }
    }
}
