import ArgumentParser
import BackstopCore
import Foundation

/// `backstop backup-store`: backs up Backstop's own record while it runs, with a SHA-256
/// sidecar, so the store is verified and restore-tested like any other asset.
struct BackupStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup-store",
        abstract: "Back up the SQLite store online (SQLite's backup API) to DEST, with a DEST.sha256 sidecar.",
        discussion: """
            DEST is a file, or a directory (existing, or ending in /) that receives \
            backstop-YYYYMMDDTHHMMSSZ.db. Safe while `backstop serve` runs. Verify a copy with \
            `backstop verify-record --store FILE`; examples/backstop.yml has the store as an asset.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Where the copy goes: a file, or a directory.")
    var destination: String

    @Flag(help: "Create an empty store first when there is none yet (a new installation's first copy).")
    var createIfMissing = false

    func run() async throws {
        let configuration = try options.loadConfiguration(
            sqliteOnly: "backup-store copies the SQLite store; back up PostgreSQL with its own tools (pg_dump, pgBackRest), "
                + "and check a copy with `backstop verify-record`")
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory)
        var target = destination
        if isDirectory.boolValue || destination.hasSuffix("/") {
            if !exists { try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true) }
            let stamp = Date().formatted(
                Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: false).timeSeparator(.omitted)
                    .dateSeparator(.omitted).dateTimeSeparator(.standard))
            target = URL(fileURLWithPath: destination).appendingPathComponent("backstop-\(stamp)Z.db").path
        }
        // Opening a missing store would create an empty one and back that up: only on request,
        // so a mistyped storage.sqlite is not silently "backed up".
        guard createIfMissing || FileManager.default.fileExists(atPath: configuration.sqlitePath) else {
            throw ValidationError(
                "no store at \(configuration.sqlitePath) (storage.sqlite): nothing to back up; "
                    + "pass --create-if-missing on a new installation")
        }
        try RecordStores.backUpSQLite(configuration.sqlitePath, to: target)
        let digest = try StreamingHasher.sha256(path: target)
        let name = URL(fileURLWithPath: target).lastPathComponent
        try Data("\(digest)  \(name)\n".utf8).write(to: URL(fileURLWithPath: target + ".sha256"), options: .atomic)
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        print("backed up \(configuration.sqlitePath) to \(target) (\(ByteSize.format(Int64(size))), sha256 \(digest))")
    }
}
