import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `backup.type: s3` in the configuration: the keys of the issue, and an answer naming the key
/// for each mistake.
@Suite struct S3ConfigParserTests {
    static func parse(_ backup: String, directory: TemporaryDirectory) throws(ConfigurationError) -> Configuration {
        let yaml = """
            schedules: { nightly: { cron: "@daily" } }
            assets:
              - name: orders-dump
                schedule: nightly
                backup:
            \(backup.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
            """
        return try ConfigurationLoader.parse(yaml, file: "s3.yml", baseDirectory: directory.path)
    }

    @Test func theIssuesExampleParses() throws {
        let directory = try TemporaryDirectory()
        try directory.write("s3.id", "AKID\n")
        try directory.write("s3.secret", "secret\n")
        let configuration = try Self.parse(
            """
            type: s3
            bucket: backups
            key: "orders/orders-{date:%Y-%m-%d}.sql.gz"
            endpoint: http://127.0.0.1:9000
            region: eu-central-1
            access_key_id_file: s3.id
            secret_access_key_file: s3.secret
            path_style: true
            checksum: sidecar
            max_age: 26h
            """, directory: directory)
        let backup = try #require(configuration.assets.first?.backup)
        #expect(backup.path == "s3://backups/orders/orders-{date:%Y-%m-%d}.sql.gz")
        #expect(backup.checksum == .sidecar)
        #expect(backup.maxAge == .seconds(26 * 3_600))
        #expect(
            backup.source
                == .s3(
                    S3Source(
                        bucket: "backups", object: .key("orders/orders-{date:%Y-%m-%d}.sql.gz"), endpoint: "http://127.0.0.1:9000",
                        region: "eu-central-1",
                        credentials: .files(accessKeyID: directory.file("s3.id"), secretAccessKey: directory.file("s3.secret")),
                        pathStyle: true, checksum: .sidecar)))
    }

    @Test func aPrefixWithTheStandardCredentialsAndTheStoredChecksum() throws {
        let configuration = try Self.parse(
            "type: s3\nbucket: backups\nprefix: orders/\nregion: eu-west-1\nchecksum: object", directory: try TemporaryDirectory())
        let backup = try #require(configuration.assets.first?.backup)
        #expect(backup.checksum == .stored)
        guard case .s3(let source) = backup.source else {
            Issue.record("not s3: \(backup.source)")
            return
        }
        #expect(source.object == .prefix("orders/"))
        #expect(source.credentials == .standard)
        #expect(source.endpoint == nil)
        #expect(source.pathStyle == false)
    }

    @Test func anEndpointWithoutRegionSignsForUsEast1() throws {
        let configuration = try Self.parse(
            "type: s3\nbucket: b\nkey: k\nendpoint: https://minio.example.com", directory: try TemporaryDirectory())
        guard case .s3(let source) = configuration.assets.first?.backup.source else {
            Issue.record("not s3")
            return
        }
        #expect(source.region == "us-east-1")
        #expect(configuration.assets.first?.backup.checksum == ChecksumPolicy.none)
    }

    @Test(arguments: [
        ("type: s3\nkey: k\nregion: r", "assets[0].backup.bucket", "is required"),
        ("type: s3\nbucket: b\nregion: r", "assets[0].backup.key", "is required (or prefix)"),
        ("type: s3\nbucket: b\nkey: k\nprefix: p\nregion: r", "assets[0].backup.prefix", "either key or prefix, not both"),
        ("type: s3\nbucket: b\nkey: k", "assets[0].backup.region", "is required without an endpoint"),
        ("type: s3\nbucket: b\nkey: /k\nregion: r", "assets[0].backup.key", "starts with '/'"),
        ("type: s3\nbucket: b\nkey: k-{date:%Q}\nregion: r", "assets[0].backup.key", "unsupported date conversion"),
        ("type: s3\nbucket: s3://b\nkey: k\nregion: r", "assets[0].backup.bucket", "is not a bucket name"),
        ("type: s3\nbucket: b\nkey: k\nendpoint: minio:9000", "assets[0].backup.endpoint", "is not an http:// or https:// URL"),
        ("type: s3\nbucket: b\nkey: k\nregion: r\nchecksum: md5", "assets[0].backup.checksum", "use sidecar (the object <key>.sha256)"),
        ("type: s3\nbucket: b\nkey: k\nregion: r\npath_style: maybe", "assets[0].backup.path_style", "is not true or false"),
        ("type: s3\nbucket: b\nkey: k\nregion: r\naccess_key_id_file: id", "assets[0].backup.secret_access_key_file", "is required with"),
        (
            "type: s3\nbucket: b\nkey: k\nregion: r\naccess_key_id_file: nope.id\nsecret_access_key_file: nope.secret",
            "assets[0].backup.access_key_id_file", "cannot read"
        ),
        ("type: s3\nbucket: b\nkey: k\nregion: r\npath: /x", "assets[0].backup.path", "unknown key"),
    ])
    func mistakesNameTheKey(backup: String, keyPath: String, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try Self.parse(backup, directory: try TemporaryDirectory()) }
        #expect(error.problems.contains { $0.keyPath == keyPath && $0.message.contains(message) }, "\(error)")
    }

    @Test func s3IsAmongTheSupportedTypes() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse("type: kopia\nrepository: /r", directory: try TemporaryDirectory())
        }
        #expect(error.description.contains("supported: borg, files, pgbackrest, restic, s3"), "\(error)")
    }
}
