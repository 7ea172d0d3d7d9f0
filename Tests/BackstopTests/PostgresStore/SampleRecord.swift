import Backstop
import Logging
import PostgresNIO

/// Appends realistic rows to the PostgreSQL record: a run, its outcomes and their checks.
enum SampleRecord {
    static func appendRun(_ id: String, assets: [String], on connection: PostgresConnection) async throws {
        let logger = PostgresStoreFixture.quietLogger
        try await connection.withTransaction(logger: logger) { connection in
            try await PostgresHashChain.append(
                connection, table: "runs",
                values: [
                    .text(id), .text("scheduled"), .text("nightly"), .real(1_795_314_600.25), .real(1_795_314_660.5), .text("failed"),
                ],
                logger: logger)
            for (index, asset) in assets.enumerated() {
                try await PostgresHashChain.append(
                    connection, table: "outcomes",
                    values: [
                        .text(id), .text(asset), .text("nightly"), .real(1_795_312_800), .real(1_795_320_000), .real(1_795_320_900),
                        .text(index == 0 ? "failed" : "healthy"), .text("/backups/\(asset).sql.gz"), .integer(4_096), .real(1_795_314_600),
                        .null, .integer(0), .integer(4_096), .real(1_795_314_660), index == 0 ? .text("checksum_mismatch") : .null,
                    ], logger: logger)
                try await PostgresHashChain.append(
                    connection, table: "checks",
                    values: [
                        .text(id), .text(asset), .integer(0), .text("checksum"), .text(index == 0 ? "failed" : "passed"),
                        .text("sha256 of the artifact"), .text("ab12"), index == 0 ? .text("cd34") : .text("ab12"), .null,
                    ], logger: logger)
            }
        }
    }
}
