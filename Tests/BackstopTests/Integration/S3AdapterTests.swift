import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Synchronization
import Testing

/// The S3 adapter against moto directly: keys for a window in the schedule's time zone, the
/// download for restore tests, and memory that stays flat while a large object is hashed.
@Suite struct S3AdapterTests {
    static func backup(_ moto: MotoServer, directory: TemporaryDirectory, object: S3Source.ObjectSelector) throws -> BackupSpec {
        let id = try directory.write("s3.id", moto.accessKeyID)
        let secret = try directory.write("s3.secret", moto.secretAccessKey)
        var spec = BackupSpec(path: "s3://backups/…")
        spec.source = .s3(
            S3Source(
                bucket: "backups", object: object, endpoint: moto.endpoint, region: "us-east-1",
                credentials: .files(accessKeyID: id, secretAccessKey: secret), pathStyle: true, checksum: .none))
        return spec
    }

    @Test func aDateKeyIsRenderedInTheSchedulesTimeZone() async throws {
        let moto = try await MotoServer.start()
        try await moto.createBucket("backups")
        let directory = try TemporaryDirectory()
        try await moto.put(bucket: "backups", key: "orders/orders-2026-12-04.sql.gz", text: "dump")
        let backup = try Self.backup(moto, directory: directory, object: .key("orders/orders-{date:%Y-%m-%d}.sql.gz"))
        // 23:30 UTC on the 3rd is already the 4th in Berlin.
        let start = Date(timeIntervalSince1970: 1_796_340_600)  // 2026-12-03T23:30:00Z
        let window = BackupWindow(schedule: "nightly", start: start, end: start + 7_200, closesAt: start + 8_100)
        let berlin = S3Adapter(timeZones: ["nightly": try #require(TimeZone(identifier: "Europe/Berlin"))])
        let found = try #require(try await berlin.locate(backup, window: window, now: Date()))
        #expect(found.path == "s3://backups/orders/orders-2026-12-04.sql.gz")
        #expect(found.sizeBytes == 4)
        #expect(found.reference == "orders/orders-2026-12-04.sql.gz")
        #expect(abs(found.modifiedAt.timeIntervalSinceNow) < 600)
        let utc = S3Adapter(timeZones: ["nightly": try #require(TimeZone(identifier: "UTC"))])
        #expect(try await utc.locate(backup, window: window, now: Date()) == nil)
    }

    @Test func stagingDownloadsTheObjectIntoScratch() async throws {
        let moto = try await MotoServer.start()
        try await moto.createBucket("backups")
        let directory = try TemporaryDirectory()
        try await moto.put(bucket: "backups", key: "dumps/orders 2026.sql", text: "CREATE TABLE orders ();\n")
        let backup = try Self.backup(moto, directory: directory, object: .key("dumps/orders 2026.sql"))
        let adapter = S3Adapter()
        let artifact = try #require(try await adapter.locate(backup, window: nil, now: Date()))
        let scratch = try TemporaryDirectory("backstop-scratch")
        let staged = try await adapter.stage(artifact, backup: backup, scratch: scratch.path)
        #expect(staged == scratch.file("orders 2026.sql"))
        #expect(try String(contentsOfFile: scratch.file("orders 2026.sql"), encoding: .utf8) == "CREATE TABLE orders ();\n")
    }

    @Test func hashingALargeObjectKeepsMemoryFlat() async throws {
        let moto = try await MotoServer.start()
        try await moto.createBucket("backups")
        let directory = try TemporaryDirectory()
        let size = 128 << 20
        let file = directory.file("large.bin")
        try await Shell.run(["sh", "-c", "head -c \(size) /dev/urandom > \(file)"])
        try await moto.put(bucket: "backups", key: "large.bin", file: file)
        let expected = String(try await Shell.run(["sha256sum", file]).prefix(64))
        try FileManager.default.removeItem(atPath: file)

        let backup = try Self.backup(moto, directory: directory, object: .key("large.bin"))
        let adapter = S3Adapter()
        let artifact = try #require(try await adapter.locate(backup, window: nil, now: Date()))
        #expect(artifact.sizeBytes == Int64(size))
        let before = Memory.residentBytes()
        let peak = Memory.Peak(before)
        let clock = ContinuousClock()
        let start = clock.now
        let actual = try await adapter.sha256(of: artifact, backup: backup) { _ in peak.sample() }
        let elapsed = clock.now - start
        #expect(actual == expected)
        let growth = peak.value - before
        print("S3 hash of \(size >> 20) MiB: \(elapsed), resident memory grew by at most \(growth >> 10) KiB")
        // Other tests run in this process at the same time and move its RSS too: the bound says
        // the object was never held whole, not how little the hash itself takes.
        #expect(growth < Int64(size) / 2, "resident memory grew by \(growth >> 20) MiB while hashing \(size >> 20) MiB")
    }
}

/// This process's resident memory, from /proc/self/statm.
enum Memory {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    /// The highest value seen.
    final class Peak: Sendable {
        private let highest: Mutex<Int>
        init(_ start: Int) { highest = Mutex(start) }
        func sample() {
            let now = Memory.residentBytes()
            highest.withLock { $0 = max($0, now) }
        }
        var value: Int { highest.withLock { $0 } }
    }
}

/// Listings of many pages and calls that get no answer.
@Suite struct S3ListingAndTimeoutTests {
    @Test func aListingOfManyPagesFindsTheNewestObject() async throws {
        let moto = try await MotoServer.start()
        try await moto.createBucket("backups")
        let directory = try TemporaryDirectory()
        try await moto.putMany(bucket: "backups", prefix: "orders-", count: 1_003)
        let backup = try S3AdapterTests.backup(moto, directory: directory, object: .prefix("orders-"))
        let source = try #require({ if case .s3(let source) = backup.source { source } else { nil } }())
        let objects = try await S3Adapter().client(for: source).list(prefix: "orders-")
        #expect(objects.count == 1_003)
        let artifact = try await S3Adapter().locate(backup, window: nil, now: Date())
        #expect(artifact?.path == "s3://backups/orders-1002")
    }

    @Test func anEndpointThatNeverAnswersTimesOut() async throws {
        let silent = try SilentListener()
        let directory = try TemporaryDirectory()
        let id = try directory.write("id", "AKID")
        let secret = try directory.write("secret", "secret")
        var backup = BackupSpec(path: "s3://backups/k")
        backup.source = .s3(
            S3Source(
                bucket: "backups", object: .key("k"), endpoint: "http://127.0.0.1:\(silent.port)", region: "us-east-1",
                credentials: .files(accessKeyID: id, secretAccessKey: secret), pathStyle: true))
        // The 1 s deadline ends the call (about 1 s when run alone; the wall time is not
        // asserted: on a loaded 2-core run the deadline's task can be scheduled late).
        let error = try await #require(throws: InspectionError.self) {
            try await S3Adapter(timeout: .seconds(1)).locate(backup, window: nil, now: Date())
        }
        #expect(error.message.contains("timed out"), "\(error)")
        #expect(FailureClassifier().classify(output: error.output ?? "")?.cause == .networkTimeout, "\(error)")
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel's backlog does) and never
/// answers, closed when the test is done with it.
final class SilentListener: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "could not listen on 127.0.0.1" }
    }

    let port: Int
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = descriptor
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw SilentListener.Failure() }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}

extension S3ListingAndTimeoutTests {
    @Test func anUnknownHostIsTargetDown() async throws {
        let directory = try TemporaryDirectory()
        let id = try directory.write("id", "AKID")
        let secret = try directory.write("secret", "secret")
        var backup = BackupSpec(path: "s3://backups/k")
        backup.source = .s3(
            S3Source(
                bucket: "backups", object: .key("k"), endpoint: "http://backstop-no-such-host.invalid:9000", region: "us-east-1",
                credentials: .files(accessKeyID: id, secretAccessKey: secret), pathStyle: true))
        let error = try await #require(throws: InspectionError.self) {
            try await S3Adapter(timeout: .seconds(5)).locate(backup, window: nil, now: Date())
        }
        #expect(FailureClassifier().classify(output: error.output ?? "")?.cause == .targetDown, "\(error) \(error.output ?? "")")
    }
}
