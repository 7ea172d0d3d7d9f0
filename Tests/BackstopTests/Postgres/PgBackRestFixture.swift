import BackstopTesting
import Foundation

/// A real PostgreSQL cluster archiving its WAL into a real local pgBackRest repository, as a
/// production setup does, with helpers to take backups, write rows and break things.
final class PgBackRestFixture: Sendable {
    let server: PostgresServer
    let root: TemporaryDirectory
    static let stanza = "main"

    var configFile: String { root.file("pgbackrest.conf") }
    var repository: String { root.file("repo") }

    static func start() async throws -> PgBackRestFixture {
        let root = try TemporaryDirectory("backstop-pgbackrest")
        let config = root.file("pgbackrest.conf")
        let server = try await PostgresServer.start(settings: [
            "archive_mode": "on", "wal_level": "replica",
            "archive_command": "'pgbackrest --config=\(config) --stanza=\(stanza) archive-push %p'",
        ])
        let fixture = PgBackRestFixture(server: server, root: root)
        try await fixture.configure()
        return fixture
    }

    private init(server: PostgresServer, root: TemporaryDirectory) {
        self.server = server
        self.root = root
    }

    private func configure() async throws {
        try root.write(
            "pgbackrest.conf",
            """
            [global]
            repo1-path=\(repository)
            log-path=\(root.path)
            lock-path=\(root.path)
            start-fast=y
            archive-check=y
            repo1-retention-full=9

            [\(Self.stanza)]
            pg1-path=\(server.directory.file("data"))
            pg1-port=\(server.port)
            pg1-socket-path=\(server.directory.path)

            """)
        try await Shell.run(["chown", "-R", "postgres:postgres", root.path])
        try await pgbackrest(["stanza-create"])
        try await server.sql("CREATE TABLE orders (id int PRIMARY KEY, total numeric, created_at timestamptz DEFAULT now())")
        try await addOrders(2_000)
    }

    @discardableResult
    func pgbackrest(_ arguments: [String]) async throws -> String {
        try await Shell.run(
            [
                "setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--", "pgbackrest", "--config=\(configFile)",
                "--stanza=\(Self.stanza)", "--log-level-console=warn",
            ] + arguments)
    }

    func addOrders(_ count: Int) async throws {
        try await server.sql(
            "INSERT INTO orders (id, total) SELECT (SELECT coalesce(max(id), 0) FROM orders) + g, g * 1.5 FROM generate_series(1, \(count)) g"
        )
    }

    /// A full backup; its label.
    @discardableResult
    func backup(type: String = "full") async throws -> String {
        try await pgbackrest(["--type=\(type)", "backup"])
        let info = try await pgbackrest(["--output=json", "info"])
        guard let label = info.split(separator: "\"label\":\"").last?.split(separator: "\"").first else {
            throw Shell.Failure(description: "no backup label in pgbackrest info: \(info)")
        }
        return String(label)
    }

    /// Writes and archives `count` more WAL segments (pg_switch_wal after each write), waiting
    /// until the last one is in the repository.
    func archiveMoreWAL(_ count: Int) async throws {
        for _ in 0..<count {
            try await addOrders(10)
            try await server.sql("SELECT pg_switch_wal()")
        }
        // pgbackrest check forces and waits for the current segment's archiving.
        try await pgbackrest(["check"])
    }

    /// Archived WAL segment files in the repository, sorted by name.
    func archivedSegments() throws -> [String] {
        let archive = "\(repository)/archive/\(Self.stanza)"
        guard let walker = FileManager.default.enumerator(atPath: archive) else { return [] }
        return walker.compactMap { $0 as? String }.filter {
            ($0 as NSString).lastPathComponent.count > 25 && $0.contains("-") && !$0.hasSuffix(".backup")
        }
        .map { "\(archive)/\($0)" }.sorted()
    }

    /// Flips bytes in the middle of the largest file of backup `label` in the repository.
    func damage(backup label: String) throws {
        let directory = "\(repository)/backup/\(Self.stanza)/\(label)"
        var largest: (String, Int)?
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return }
        for case let relative as String in walker {
            let path = "\(directory)/\(relative)"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size > largest?.1 ?? 0, !relative.hasSuffix(".manifest"), !relative.hasSuffix(".copy") { largest = (path, size) }
        }
        guard let (path, _) = largest else { return }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
    }
}
