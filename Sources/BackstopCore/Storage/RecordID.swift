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
        // Written as bytes straight into the string's storage, one allocation: every
        // notification makes an id, and building it from a string per part, then an array of
        // its bytes, showed in the webhook's profile.
        let digits = min(max(digits, 1), 16)
        // Room for any year tm_year can hold; the id itself is 16 bytes and the digits longer.
        let capacity = prefix.utf8.count + 32 + digits
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var id = IDWriter(buffer: buffer)
            for byte in prefix.utf8 { id.append(byte) }
            id.append(UInt8(ascii: "_"))
            // A year before 1 (a clock far off) is written as 0000 rather than trapping.
            id.append(UInt64(clamping: Int(utc.tm_year) + 1900), width: 4)
            id.append(UInt64(clamping: utc.tm_mon + 1), width: 2)
            id.append(UInt64(clamping: utc.tm_mday), width: 2)
            id.append(UInt8(ascii: "_"))
            id.append(UInt64(clamping: utc.tm_hour), width: 2)
            id.append(UInt64(clamping: utc.tm_min), width: 2)
            id.append(UInt8(ascii: "_"))
            id.append(suffix & (UInt64.max >> (64 - 4 * digits)), width: digits, radix: 16)
            return id.count
        }
    }

    /// Writes an id's bytes into a buffer sized for it.
    private struct IDWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        /// `value` in `radix` (lower-case digits), zero-padded to `width`.
        mutating func append(_ value: UInt64, width: Int, radix: UInt64 = 10) {
            // The number of digits: one more for each power of the radix the value reaches.
            var length = 1
            var power = radix
            while power <= value {
                length += 1
                let (next, overflow) = power.multipliedReportingOverflow(by: radix)
                if overflow { break }
                power = next
            }
            let width = max(width, length)
            var rest = value
            for position in stride(from: count + width - 1, through: count, by: -1) {
                let digit = UInt8(rest % radix)
                buffer[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                rest /= radix
            }
            count += width
        }
    }
}
