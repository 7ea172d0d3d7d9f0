import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `backup.type: s3` end to end against a real S3 API (moto, signatures and IAM policies
/// enforced), through the real wiring: BackstopServices, the VerificationRunner, diagnosis,
/// metrics and incidents. Each scenario asserts state, cause and evidence.
@Suite struct S3VerificationTests {
    /// One moto, a bucket, a harness whose clock is now (moto stamps objects with the real time),
    /// and the keys in files as the configuration names them.
    final class Setup: Sendable {
        let moto: MotoServer
        let harness: Harness
        let bucket = "backups"

        init() async throws {
            moto = try await MotoServer.start()
            try await moto.createBucket(bucket)
            harness = try Harness(now: Date().addingTimeInterval(5))
            try useKeys(moto.accessKeyID, moto.secretAccessKey)
        }

        /// Writes the key files the configuration names.
        func useKeys(_ accessKeyID: String, _ secretAccessKey: String) throws {
            try harness.directory.write("s3.id", accessKeyID + "\n")
            try harness.directory.write("s3.secret", secretAccessKey + "\n")
        }

        /// `template` rendered for the nightly window (02:00 UTC, 2h, 15m grace) a manual run
        /// checks now: today's once it has closed, else yesterday's.
        func key(_ template: String) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let now = harness.clock.now
            var start = calendar.date(bySettingHour: 2, minute: 0, second: 0, of: now) ?? now
            if now < start.addingTimeInterval(2 * 3_600 + 900) { start = start.addingTimeInterval(-86_400) }
            return DateTemplate.render(template, date: start, timeZone: calendar.timeZone)
        }

        /// A gzip'd dump and its sha256sum line, uploaded as `key` (and `key.sha256`).
        @discardableResult
        func upload(_ key: String, rows: Int = 2_000, sidecar: Bool = true, storedChecksum: Bool = false) async throws -> String {
            let file = harness.directory.file("upload.gz")
            try await Shell.run(["sh", "-c", "seq 1 \(rows) | gzip -n > \(file)"])
            try await moto.put(bucket: bucket, key: key, file: file, storedChecksum: storedChecksum)
            let hex = String(try await Shell.run(["sha256sum", file]).prefix(64))
            if sidecar {
                try await moto.put(bucket: bucket, key: key + ".sha256", text: "\(hex)  \((key as NSString).lastPathComponent)\n")
            }
            return hex
        }

        func asset(
            object: String = "key: orders/orders-{date:%Y-%m-%d}.sql.gz", checksum: String = "sidecar", endpoint: String? = nil,
            extra: String = "", validate: String = #"["gzip", "-t", "{artifact}"]"#
        ) -> String {
            """
              - name: orders-dump
                kind: database
                schedule: nightly
                backup:
                  type: s3
                  bucket: \(bucket)
                  \(object)
                  endpoint: \(endpoint ?? moto.endpoint)
                  region: us-east-1
                  access_key_id_file: s3.id
                  secret_access_key_file: s3.secret
                  path_style: true
                  checksum: \(checksum)
                  \(extra)
                restore: { validate: \(validate), timeout: 1m }
            """
        }

        func run(_ assets: String) async throws -> (VerificationRun, BackstopServices) {
            let services = try await harness.services(try harness.configuration(assets: assets))
            let run = try await services.runner.run(VerificationRequest(trigger: .manual))
            return (run, services)
        }
    }

    @Test func aHealthyObjectWithItsSidecarPassesEveryCheckAndRestores() async throws {
        let setup = try await Setup()
        let key = setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz")
        let hex = try await setup.upload(key)
        let (run, services) = try await setup.run(setup.asset(extra: "max_age: 26h"))
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.state == .healthy, "\(outcome.failedChecks)")
        #expect(outcome.artifact?.path == "s3://backups/\(key)")
        #expect(outcome.artifact?.reference == key)
        #expect(outcome.check(.checksum)?.evidence.message == "SHA-256 \(hex) matches the sidecar .sha256 file")
        #expect(outcome.bytesHashed == outcome.artifact?.sizeBytes)
        #expect(outcome.check(.restore)?.status == .passed)
        #expect(outcome.check(.freshness)?.status == .passed)
        #expect(setup.harness.scratchLeftovers.isEmpty)
        let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"backstop_backup_up{asset="orders-dump""#))
    }

    @Test func anObjectMuchSmallerThanItsHistoryFailsItsSize() async throws {
        let setup = try await Setup()
        let key = setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz")
        try await setup.upload(key, rows: 20_000)
        let assets = setup.asset(extra: "size: { max_change: 50% }")
        let (first, _) = try await setup.run(assets)
        #expect(first.outcome("orders-dump")?.state == .healthy)
        // The backup job rewrote tonight's object with a fraction of the data.
        try await setup.upload(key, rows: 200)
        setup.harness.clock.advance(by: 60)
        let (second, services) = try await setup.run(assets)
        let outcome = try #require(second.outcome("orders-dump"))
        #expect(outcome.state == .failed)
        #expect(outcome.check(.size)?.evidence.message.contains("against the median") == true, "\(outcome.checks)")
        await services.triage.handle(second)
        #expect(try await services.store.incidents(limit: 10, openOnly: true).count == 1)
    }

    @Test func theChecksumStoredWithTheObjectIsCompared() async throws {
        let setup = try await Setup()
        let key = setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz")
        let hex = try await setup.upload(key, sidecar: false, storedChecksum: true)
        let (run, _) = try await setup.run(setup.asset(checksum: "object"))
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.state == .healthy, "\(outcome.failedChecks)")
        #expect(outcome.check(.checksum)?.evidence.message == "SHA-256 \(hex) matches the checksum stored with the object")
    }

    @Test func anObjectWithoutAStoredChecksumSaysHowToUploadOne() async throws {
        let setup = try await Setup()
        try await setup.upload(setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz"), sidecar: false)
        let (run, _) = try await setup.run(setup.asset(checksum: "object"))
        let check = try #require(run.outcome("orders-dump")?.check(.checksum))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("has no stored SHA-256 (x-amz-checksum-sha256)"), "\(check.evidence.message)")
    }

    @Test func noObjectForTheWindowIsMissingAndOpensOneIncident() async throws {
        let setup = try await Setup()
        // Yesterday's object does not count for today's key.
        try await setup.upload("orders/orders-1999-01-01.sql.gz")
        let (run, services) = try await setup.run(setup.asset())
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.state == .missing)
        #expect(outcome.check(.exists)?.evidence.message.hasPrefix("no artifact matches s3://backups/orders/orders-") == true)
        #expect(run.restoreTests.isEmpty)
        await services.triage.handle(run)
        let incidents = try await services.store.incidents(limit: 10, openOnly: true)
        #expect(incidents.count == 1)
        #expect(incidents.first?.asset == "orders-dump")
    }

    @Test func theNewestObjectUnderAPrefixIsTheArtifactAndSidecarsAreNot() async throws {
        let setup = try await Setup()
        // No '/' in this prefix: moto checks the signature of a listing against the query as
        // Werkzeug decoded it (prefix=orders/ instead of orders%2F), and refuses boto3's too.
        try await setup.upload("orders-a.sql.gz")
        try await setup.upload("orders-b.sql.gz")
        let (run, _) = try await setup.run(setup.asset(object: "prefix: orders-"))
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.artifact?.path == "s3://backups/orders-b.sql.gz")
        #expect(outcome.state == .healthy, "\(outcome.failedChecks)")
    }

    @Test func anEmptyPrefixIsMissing() async throws {
        let setup = try await Setup()
        let (run, _) = try await setup.run(setup.asset(object: "prefix: nothing-here"))
        #expect(run.outcome("orders-dump")?.state == .missing)
    }

    @Test func anObjectBelowTheMinimumSizeFails() async throws {
        let setup = try await Setup()
        try await setup.upload(setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz"), rows: 10)
        let (run, _) = try await setup.run(setup.asset(extra: "size: { min: 1MiB }"))
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.state == .failed)
        #expect(outcome.check(.size)?.evidence.message.contains("below the minimum 1 MiB") == true)
    }

    @Test func aDamagedObjectIsACorruptedArtifact() async throws {
        let setup = try await Setup()
        let key = setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz")
        let hex = try await setup.upload(key)
        // The object is replaced by different bytes; the sidecar still names the original.
        try await setup.upload(key, rows: 2_001, sidecar: false)
        let (run, _) = try await setup.run(setup.asset())
        let outcome = try #require(run.outcome("orders-dump"))
        let check = try #require(outcome.check(.checksum))
        #expect(check.status == .failed)
        #expect(check.evidence.expected == hex)
        #expect(check.evidence.actual != hex)
        #expect(outcome.state == .failed)
        #expect(outcome.cause == .corruptedArtifact, "\(String(describing: outcome.diagnosis))")
    }

    @Test func aWrongSecretKeyIsRejectedCredentialsWithS3sErrorCode() async throws {
        let setup = try await Setup()
        try setup.useKeys(setup.moto.accessKeyID, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY")
        try await setup.upload(setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz"))
        let (run, _) = try await setup.run(setup.asset())
        let outcome = try #require(run.outcome("orders-dump"))
        let check = try #require(outcome.check(.exists))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("(SignatureDoesNotMatch)"), "\(check.evidence.message)")
        #expect(check.evidence.excerpt?.contains("HTTP 403 Forbidden, S3 error SignatureDoesNotMatch") == true)
        #expect(!(check.evidence.excerpt ?? "").contains("WRONGKEY"))
        #expect(!check.evidence.message.contains("WRONGKEY"))
        #expect(outcome.cause == .expiredCredentials, "\(String(describing: outcome.diagnosis))")
    }

    @Test func aKeyWithoutPermissionIsPermissionDenied() async throws {
        let setup = try await Setup()
        try await setup.upload(setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz"))
        try setup.useKeys(setup.moto.deniedAccessKeyID, setup.moto.deniedSecretAccessKey)
        let (run, _) = try await setup.run(setup.asset())
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.check(.exists)?.evidence.excerpt?.contains("S3 error AccessDenied") == true)
        #expect(outcome.cause == .permissionDenied, "\(String(describing: outcome.diagnosis))")
    }

    @Test func aBucketThatDoesNotExistIsTargetDown() async throws {
        let setup = try await Setup()
        let assets = setup.asset().replacingOccurrences(of: "bucket: backups", with: "bucket: no-such-bucket")
        let (run, _) = try await setup.run(assets)
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.check(.exists)?.evidence.excerpt?.contains("S3 error NoSuchBucket") == true)
        #expect(outcome.cause == .targetDown, "\(String(describing: outcome.diagnosis))")
    }

    @Test func anUnreachableEndpointIsTargetDown() async throws {
        let setup = try await Setup()
        let closed = "http://127.0.0.1:\(try FreePort.find())"
        let (run, _) = try await setup.run(setup.asset(endpoint: closed))
        let outcome = try #require(run.outcome("orders-dump"))
        #expect(outcome.check(.exists)?.evidence.message.contains("connection refused") == true, "\(outcome.failedChecks)")
        #expect(outcome.cause == .targetDown, "\(String(describing: outcome.diagnosis))")
    }

    @Test func aRestoreWhoseValidationFailsFailsTheBackup() async throws {
        let setup = try await Setup()
        try await setup.upload(setup.key("orders/orders-{date:%Y-%m-%d}.sql.gz"))
        let (run, _) = try await setup.run(setup.asset(validate: #"["test", "-s", "{scratch}/orders.csv"]"#))
        let outcome = try #require(run.outcome("orders-dump"))
        let check = try #require(outcome.check(.restore))
        #expect(check.status == .failed)
        #expect(check.evidence.message.hasPrefix("validate command failed with exit code 1"))
        #expect(outcome.state == .failed)
        #expect(setup.harness.scratchLeftovers.isEmpty)
    }
}
