import Backstop
import BackstopCore
import CompressNIO
import Foundation
import NIOCore
import Testing

/// The gzip form is assembled from families compressed one by one, its CRC-32 combined from
/// theirs: it must stay one valid gzip member equal to the plain text through any sequence of
/// changes and compressed scrapes.
@Suite struct GzipExpositionTests {
    static func crc(_ text: String) -> UInt32 {
        var crc = CRC32()
        Array(text.utf8).withUnsafeBytes { crc.update($0) }
        return crc.value
    }

    @Test func theCRCOfTwoPartsCombinesToTheCRCOfTheWhole() {
        #expect(Self.crc("123456789") == 0xCBF4_3926, "the standard check value")
        let text = String(repeating: "backstop_backup_up{asset=\"a\",schedule=\"nightly\"} 1\n", count: 40)
        for split in [0, 1, 7, 100, 1_000, text.utf8.count] {
            let bytes = Array(text.utf8)
            let first = String(decoding: bytes[..<split], as: UTF8.self)
            let second = String(decoding: bytes[split...], as: UTF8.self)
            #expect(CRC32.combine(Self.crc(first), Self.crc(second), secondLength: bytes.count - split) == Self.crc(text), "\(split)")
        }
    }

    @Test func everyCompressedScrapeAfterChangesToSomeFamiliesIsThePlainText() throws {
        let metrics = MetricsFormatTests.metrics()
        var snapshot = MetricsSnapshot()
        for step in 0..<6 {
            switch step % 3 {
            case 0: metrics.recordNotification(status: "firing")
            case 1:
                snapshot.restoreTests["asset-\(step)"] = MetricsSnapshot.Counts(total: step, failures: 1)
                metrics.load(snapshot)
            default: metrics.loadApprovals(["requested": step])
            }
            var gzipped = ByteBuffer()
            for var buffer in try #require(metrics.gzippedExposition()) { gzipped.writeBuffer(&buffer) }
            // zlib checks the trailer's CRC-32 and length while decompressing.
            let text = String(buffer: try gzipped.decompress(with: .gzip))
            #expect(gzipped.readableBytes == 0, "one gzip member")
            let plain = String(decoding: metrics.exposition(), as: UTF8.self)
            #expect(MetricsFormatTests.withoutProcess(text) == MetricsFormatTests.withoutProcess(plain), "step \(step)")
        }
    }
}
