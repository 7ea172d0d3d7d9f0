import ArgumentParser

/// `backstop verify-record`: proves the append-only record has not been tampered with.
struct VerifyRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-record",
        abstract: "Check the record's hash chains; exits 0 when intact, 1 naming the first broken row of each table.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let store = try SQLiteRunStore(path: configuration.sqlitePath)
        let (rows, breaks) = try await store.verifyChains()
        if breaks.isEmpty {
            print("record intact: \(rows) rows in \(configuration.sqlitePath), every hash chain verified")
            return
        }
        for broken in breaks { printError("record tampered: \(broken)") }
        throw ExitCode(1)
    }
}
