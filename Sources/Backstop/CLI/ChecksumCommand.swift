import ArgumentParser
import BackstopCore

/// `backstop checksum`: SHA-256 as Backstop computes it, in `sha256sum` format, so sidecar
/// files can be written with the same code that checks them.
struct ChecksumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checksum",
        abstract: "Print the SHA-256 of files in sha256sum format (write sidecars with: backstop checksum F > F.sha256).")

    @Argument(help: "Files to hash.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let digest = try StreamingHasher.sha256(path: file)
                print("\(digest)  \(file)")
            } catch {
                printError("backstop checksum: \(error.message)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
