import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Identifiers that read like those in operators' logs: `run_20261122_0215_3fa91c`
/// (UTC time of creation plus random hex, so ids sort by time). Six hex digits suit what is
/// made a few times a minute (runs, incidents, approvals), and a store still refuses a repeated
/// id. What arrives in bursts through a group commit (notifications, events) takes ids that
/// count up instead (``SequentialRecordIDs``).
package enum RecordID {
    package static func make(prefix: String, at date: Date, randomDigits: Int = 6) -> String {
        make(prefix: prefix, at: date, suffix: UInt64.random(in: 0...UInt64.max), digits: randomDigits)
    }

    /// `prefix_YYYYMMDD_HHMM_` and the low `digits` hex digits of `suffix`, zero-padded.
    static func make(prefix: String, at date: Date, suffix: UInt64, digits: Int) -> String {
        // libc's gmtime_r rather than a Calendar and String(format:): every webhook and event
        // makes an id, and building a Calendar per call was 15% of the webhook handler's CPU.
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var utc = tm()
        gmtime_r(&seconds, &utc)
        // Written as bytes into one buffer: every notification makes an id, and building it from
        // a string per part showed in the webhook's profile.
        let digits = min(max(digits, 1), 16)
        var id = Array(prefix.utf8)
        id.reserveCapacity(id.count + 16 + digits)
        id.append(UInt8(ascii: "_"))
        append(Int(utc.tm_year) + 1900, width: 4, to: &id)
        append(Int(utc.tm_mon) + 1, width: 2, to: &id)
        append(Int(utc.tm_mday), width: 2, to: &id)
        id.append(UInt8(ascii: "_"))
        append(Int(utc.tm_hour), width: 2, to: &id)
        append(Int(utc.tm_min), width: 2, to: &id)
        id.append(UInt8(ascii: "_"))
        append(suffix & (UInt64.max >> (64 - 4 * digits)), width: digits, radix: 16, to: &id)
        return String(decoding: id, as: UTF8.self)
    }

    /// `value` in `radix` (lower-case digits), zero-padded to `width`.
    private static func append(_ value: some BinaryInteger, width: Int, radix: Int = 10, to id: inout [UInt8]) {
        let text = String(value, radix: radix).utf8
        if text.count < width { id.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - text.count)) }
        id.append(contentsOf: text)
    }
}
