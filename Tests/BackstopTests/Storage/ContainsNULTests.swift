import Testing

@testable import Backstop

/// The NUL check every record row passes before it is stored and hashed finds a NUL wherever it
/// is, and nothing where there is none (the stored form depends on it: ``ExactText``).
@Suite struct ContainsNULTests {
    @Test(arguments: [
        ("\u{0}", true), ("report\u{0}", true), ("\u{0}report", true), ("ü ✓ \u{0} 🙂", true),
        (String(repeating: "x", count: 5_000) + "\u{0}" + String(repeating: "y", count: 5_000), true),
        ("", false), ("report", false), ("ü ✓ 🙂 0 \\0", false), (String(repeating: "x", count: 10_000), false),
    ])
    func findsANULAnywhereAndNothingElse(text: String, expected: Bool) {
        #expect(text.containsNUL == expected)
        #expect(text.containsNUL == text.utf8.contains(0))
    }

    @Test func aSubstringsCopyIsCheckedOnItsOwnBytes() {
        let whole = "before\u{0}after"
        #expect(String(whole.suffix(5)).containsNUL == false)
        #expect(String(whole.prefix(7)).containsNUL == true)
    }
}
