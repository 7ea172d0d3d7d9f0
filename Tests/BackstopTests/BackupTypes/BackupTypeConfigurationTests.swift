import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `backup.type: restic | borg` in the configuration: the keys of the issue, and clear
/// answers for what is wrong.
@Suite struct BackupTypeConfigurationTests {
    static func load(_ backup: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - name: app-data
                schedule: nightly
                backup:
            \(backup.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
                restore:
                  validate: ["test", "-s", "{scratch}/srv/data/orders.csv"]
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    static func problems(_ backup: String, in directory: TemporaryDirectory) throws -> [String] {
        let error = try #require(throws: ConfigurationError.self) { try load(backup, in: directory) }
        return error.problems.map { "\($0.keyPath): \($0.message)" }
    }

    @Test func theIssuesResticKeysParse() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("restic.pass", "secret\n")
        _ = try directory.write("restic.env", "# for s3:\nexport AWS_ACCESS_KEY_ID=AKIA\nAWS_SECRET_ACCESS_KEY='abc=def'\n")
        let configuration = try Self.load(
            """
            type: restic
            repository: restic-repo
            password_file: restic.pass
            environment_file: restic.env
            host: app01
            tags: [nightly]
            paths: [/srv/data]
            check: { read_data_subset: 10% }
            max_age: 26h
            size: { min: 1MiB, max_change: 50% }
            """, in: directory)
        let backup = try #require(configuration.assets.first?.backup)
        guard case .restic(let source) = backup.source else {
            Issue.record("not a restic source: \(backup.source)")
            return
        }
        #expect(source.repository == directory.file("restic-repo"), "a relative path is relative to the configuration")
        #expect(source.password == .file(directory.file("restic.pass")))
        #expect(source.host == "app01" && source.tags == ["nightly"] && source.paths == ["/srv/data"])
        #expect(source.readDataSubset == .share(0.1))
        #expect(backup.tool == "restic")
        #expect(backup.size.minBytes == 1 << 20)
        #expect(configuration.assets.first?.restore?.command == [], "the tool's own restore")
    }

    @Test func remoteRepositoriesAreKeptAsWritten() throws {
        let directory = try TemporaryDirectory()
        let configuration = try Self.load(
            """
            type: restic
            repository: "s3:http://127.0.0.1:9000/backups/app"
            password_command: ["pass", "show", "restic/app"]
            check: { read_data_subset: 2/5 }
            """, in: directory)
        guard case .restic(let source) = configuration.assets.first?.backup.source else {
            Issue.record("not a restic source")
            return
        }
        #expect(source.repository == "s3:http://127.0.0.1:9000/backups/app")
        #expect(source.password == .command(["pass", "show", "restic/app"]))
        #expect(source.readDataSubset == .part(2, of: 5))
    }

    @Test func theIssuesBorgKeysParse() throws {
        let directory = try TemporaryDirectory()
        let configuration = try Self.load(
            """
            type: borg
            repository: ssh://backup@borg.example.com/./home
            passcommand: ["cat", "/run/secrets/borg"]
            archive_glob: "home-*"
            check: { verify_data: true }
            """, in: directory)
        guard case .borg(let source) = configuration.assets.first?.backup.source else {
            Issue.record("not a borg source")
            return
        }
        #expect(
            source
                == BorgSource(
                    repository: "ssh://backup@borg.example.com/./home", passphrase: .command(["cat", "/run/secrets/borg"]),
                    archiveGlob: "home-*", verifyData: true))
    }

    @Test(arguments: [
        (
            "type: kopia\nrepository: /x",
            "backup.type: 'kopia' is not a supported backup type; supported: borg, files, pgbackrest, restic, s3"
        ),
        ("type: restic\nrepository: /x", "backup.password_file: is required (or password_command)"),
        ("type: restic\nrepository: /x\npassword_file: /no/such/file", "backup.password_file: cannot read '/no/such/file'"),
        (
            "type: restic\nrepository: /x\npassword_file: /etc/hostname\npassword_command: [cat]",
            "give either password_file or password_command"
        ),
        ("type: restic\npassword_command: [cat, p]", "backup.repository: is required"),
        (
            "type: restic\nrepository: /x\npassword_command: [cat]\ncheck: { read_data_subset: 150% }",
            "read_data_subset: must be more than 0% and at most 100%"
        ),
        ("type: restic\nrepository: /x\npassword_command: [cat]\npath: /x", "backup.path"),
        ("type: borg\nrepository: /x\npassphrase_file: /no/such/file", "backup.passphrase_file: cannot read"),
        ("type: borg\nrepository: /x\ncheck: { verify_data: maybe }", "check.verify_data"),
    ])
    func mistakesNameTheKey(backup: String, problem: String) throws {
        let problems = try Self.problems(backup, in: try TemporaryDirectory())
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }

    @Test func aBrokenEnvironmentFileNamesItsLineButNotItsContent() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("restic.env", "AWS_ACCESS_KEY_ID=AKIA\nthis-is-the-secret-without-a-key\n")
        let problems = try Self.problems(
            "type: restic\nrepository: /x\npassword_command: [cat]\nenvironment_file: restic.env", in: directory)
        #expect(problems.contains { $0.contains("environment_file") && $0.contains("line 2 is not KEY=VALUE") }, "\(problems)")
        #expect(!problems.joined().contains("this-is-the-secret"))
    }
}
