import Foundation
import Testing

@testable import ReferralCore

@Suite("Trimming whitespace")
struct TrimmingTests {
    @Test("trims what Foundation's .whitespaces trims, and nothing else")
    func matchesFoundation() {
        let samples = [
            "", " ", "\t", "  \t ", "plain", "  padded  ", "\tBearer rfk_abc \t", "in ner", "\u{00A0}nbsp\u{00A0}",
            "\u{3000}ideographic\u{2003}", "\nnewline\n", "\r\ncrlf ", "é ü ", " 😀 ", "\u{200B}zero-width\u{200B}",
            "\u{0085}next-line\u{0085}", "\u{2028}",
        ]
        for sample in samples {
            #expect(sample.trimmingWhitespace() == sample.trimmingCharacters(in: .whitespaces), "\(sample.debugDescription)")
        }
    }

    @Test("the trimmed set is Foundation's .whitespaces, scalar for scalar")
    func sameSet() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(scalar.isTrimmedWhitespace == CharacterSet.whitespaces.contains(scalar), "U+\(String(value, radix: 16))")
        }
    }
}
