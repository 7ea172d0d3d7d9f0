import BackstopCore
import Foundation
import Testing

/// The webhook's notification ids: shaped like every record id, and in the order they were made,
/// so each new row lands beside the last in the record's unique index.
@Suite struct SequentialRecordIDsTests {
    let minute = Date(timeIntervalSince1970: 1_796_524_260)  // 2026-12-06T02:31:00Z

    @Test func anIdIsThePrefixTheUTCMinuteAndTwelveHexDigits() {
        let id = SequentialRecordIDs(prefix: "ntf", start: 0x3fa9_1c00_04d1).make(at: minute)
        #expect(id == "ntf_20261206_0231_3fa91c0004d2")
    }

    /// The digits are zero-padded, so text order is counting order, also where a count gains a digit.
    @Test(arguments: [UInt64(0), 0xff_fff0, 0x7fff_ffff_fff0])
    func idsMadeOneAfterAnotherSortInTheOrderTheyWereMade(start: UInt64) {
        let ids = SequentialRecordIDs(prefix: "ntf", start: start)
        let made = (0..<40).map { _ in ids.make(at: minute) }
        #expect(made == made.sorted())
        #expect(Set(made).count == made.count)
        #expect(made.allSatisfy { $0.count == "ntf_20261206_0231_".count + 12 }, "\(made)")
    }

    /// The minute comes first: even when the 12 digits wrap around to zero, the later id sorts after.
    @Test func aLaterMinuteSortsAfterWhateverTheDigits() {
        let ids = SequentialRecordIDs(prefix: "ntf", start: 0xffff_ffff_fffe)
        let first = ids.make(at: minute)
        let wrapped = ids.make(at: minute.addingTimeInterval(60))
        #expect(first == "ntf_20261206_0231_ffffffffffff")
        #expect(wrapped == "ntf_20261206_0232_000000000000")
        #expect(first < wrapped)
    }

    @Test func idsMadeConcurrentlyAreAllDifferent() async {
        let ids = SequentialRecordIDs(prefix: "ntf")
        let made = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).map { _ in ids.make(at: minute) } }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(made).count == 4_000)
    }

    /// Two processes start at different random points, so their ids do not meet.
    @Test func twoGeneratorsStartApart() {
        let first = SequentialRecordIDs(prefix: "ntf").make(at: minute)
        let second = SequentialRecordIDs(prefix: "ntf").make(at: minute)
        #expect(first != second)
    }
}
