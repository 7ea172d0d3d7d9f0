import BackstopTesting
import Foundation

/// A real, encrypted borg repository in a temporary directory.
struct BorgRepositoryFixture: RepositoryFixture {
    let root: String
    var repository: String { "\(root)/borg-repo" }
    var dataDirectory: String { "\(root)/borg-data" }
    var passphraseFile: String { "\(root)/borg.pass" }

    init(root: String) async throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try "correct horse battery staple\n".write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        try "not the passphrase\n".write(toFile: "\(root)/borg-wrong.pass", atomically: true, encoding: .utf8)
        try await borg(["init", "--encryption", "repokey"])
    }

    private var environment: [String] {
        [
            "TZ=UTC", "BORG_REPO=\(repository)", "BORG_PASSCOMMAND=cat \(passphraseFile)", "BORG_BASE_DIR=\(root)/borg-home",
        ]
    }

    @discardableResult
    func borg(_ arguments: [String]) async throws -> String {
        try await Shell.run(environment + ["borg"] + arguments)
    }

    func backupYAML(_ variant: RepositoryVariant) -> String {
        let repository = variant == .unreachable ? "\(root)/no-such-repo" : repository
        let passphrase = variant == .wrongPassword ? "\(root)/borg-wrong.pass" : passphraseFile
        return """
            repository: \(repository)
            passphrase_file: \(passphrase)
            archive_glob: "orders-*"
            """
    }

    func addBackup(rows: Int, at time: Date) async throws {
        let lines = (1...rows).map { "\($0),order \($0),\($0 * 7)" }.joined(separator: "\n")
        try lines.write(toFile: "\(dataDirectory)/orders.csv", atomically: true, encoding: .utf8)
        let stamp = time.toolTimestamp.replacingOccurrences(of: " ", with: "T")
        try await borg(["create", "--timestamp", stamp, "::orders-\(stamp)", dataDirectory])
    }

    func damage() throws {
        try flipBytesInLargestFile(under: "\(repository)/data")
    }

    func holdLock() async throws -> LockHolder {
        let lock = "\(repository)/lock.exclusive"
        return try await LockHolder(environment + ["borg", "create", "::held", "-"]) {
            FileManager.default.fileExists(atPath: lock)
        }
    }
}
