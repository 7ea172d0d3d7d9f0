import ArgumentParser
import Foundation

/// `backstop verify-record`: proves the append-only record has not been tampered with.
struct VerifyRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-record",
        abstract: "Check the record's hash chains; exits 0 when intact, 1 naming the first broken row of each table.")

    @OptionGroup var options: GlobalOptions

    @Option(
        name: .long,
        help: "Check this SQLite file, read-only, instead of the configured store (a copy made by `backstop backup-store`).")
    var store: String?

    func run() async throws {
        var configuration: Configuration?
        if let store {
            guard FileManager.default.fileExists(atPath: store) else {
                throw ValidationError("--store \(store): no such file")
            }
        } else {
            configuration = try options.loadConfiguration()
        }
        let (path, rows, breaks) = try await RecordStores.verifyChains(configuration, copy: store, logger: options.makeLogger())
        if breaks.isEmpty {
            print("record intact: \(rows) rows in \(path), every hash chain verified")
            return
        }
        for broken in breaks { printError("record tampered: \(broken)") }
        throw ExitCode(1)
    }
}
