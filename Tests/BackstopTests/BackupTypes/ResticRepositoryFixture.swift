import BackstopTesting
import Foundation

/// A real restic repository in a temporary directory.
struct ResticRepositoryFixture: RepositoryFixture {
    let root: String
    var repository: String { "\(root)/restic-repo" }
    var dataDirectory: String { "\(root)/restic-data" }
    var passwordFile: String { "\(root)/restic.pass" }

    init(root: String) async throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try "correct horse battery staple\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try "not the password\n".write(toFile: "\(root)/restic-wrong.pass", atomically: true, encoding: .utf8)
        try await restic(["init"])
    }

    private var environment: [String] {
        ["TZ=UTC", "RESTIC_REPOSITORY=\(repository)", "RESTIC_PASSWORD_FILE=\(passwordFile)", "RESTIC_CACHE_DIR=\(root)/restic-cache"]
    }

    @discardableResult
    func restic(_ arguments: [String]) async throws -> String {
        try await Shell.run(environment + ["restic", "--quiet"] + arguments)
    }

    func backupYAML(_ variant: RepositoryVariant) -> String {
        let repository = variant == .unreachable ? "\(root)/no-such-repo" : repository
        let password = variant == .wrongPassword ? "\(root)/restic-wrong.pass" : passwordFile
        return """
            repository: \(repository)
            password_file: \(password)
            host: app01
            tags: [nightly]
            check: { read_data_subset: 100% }
            """
    }

    func addBackup(rows: Int, at time: Date) async throws {
        let lines = (1...rows).map { "\($0),order \($0),\($0 * 7)" }.joined(separator: "\n")
        try lines.write(toFile: "\(dataDirectory)/orders.csv", atomically: true, encoding: .utf8)
        try await restic(["backup", "--host", "app01", "--tag", "nightly", "--time", time.toolTimestamp, dataDirectory])
    }

    func damage() throws {
        try flipBytesInLargestFile(under: "\(repository)/data")
    }

    func holdLock() async throws -> LockHolder {
        let locks = "\(repository)/locks"
        return try await LockHolder(environment + ["restic", "backup", "--stdin", "--stdin-filename", "held.txt"]) {
            ((try? FileManager.default.contentsOfDirectory(atPath: locks)) ?? []).isEmpty == false
        }
    }
}
