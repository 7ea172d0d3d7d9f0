import Backstop
import Testing

/// A queue worker skips a copy of an item it handled recently, and its memory of ids stays
/// bounded under steady intake.
@Suite struct RecentIDsTests {
    /// Inserts each id in turn; whether each was new.
    static func insert(_ ids: [String], into recent: inout RecentIDs) -> [Bool] {
        ids.map { recent.insert($0) }
    }

    @Test func aRepeatedIDIsSkippedWhileRecent() {
        var recent = RecentIDs(capacity: 3)
        #expect(Self.insert(["a", "a", "b", "b"], into: &recent) == [true, false, true, false])
    }

    @Test func theOldestIDsAreForgottenBeyondTheCapacity() {
        var recent = RecentIDs(capacity: 3)
        #expect(Self.insert(["a", "b", "c", "d"], into: &recent) == [true, true, true, true])
        #expect(recent.count == 3)
        #expect(Self.insert(["d", "b", "a"], into: &recent) == [false, false, true], "a was the oldest and is forgotten")
    }

    @Test func aMillionIDsKeepAtMostTheCapacity() {
        var recent = RecentIDs(capacity: 1_000)
        for number in 0..<1_000_000 { _ = recent.insert("run_\(number)") }
        #expect(recent.count == 1_000)
        #expect(Self.insert(["run_999999", "run_0"], into: &recent) == [false, true])
    }
}
