import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Which PostgreSQL binaries a restore uses, and the answer when the right ones are missing.
@Suite struct PostgresBinariesTests {
    func installation(_ versions: [String]) throws -> (TemporaryDirectory, PostgresBinaries) {
        let root = try TemporaryDirectory()
        for version in versions {
            let initdb = try root.write("\(version)/bin/initdb", "#!/bin/sh\n")
            chmod(initdb, 0o755)
        }
        var binaries = PostgresBinaries(settings: PostgresSettings())
        binaries.versionsRoot = root.path
        return (root, binaries)
    }

    @Test func theBackupsMajorVersionPicksItsBinaries() throws {
        let (root, binaries) = try installation(["13", "15", "16"])
        #expect(try binaries.directory(major: "15") == "\(root.path)/15/bin")
        #expect(try binaries.directory(major: nil) == "\(root.path)/16/bin", "a dump is restored with the newest")
    }

    @Test func aMissingMajorVersionIsAMissingDependencyNamingIt() throws {
        let (_, binaries) = try installation(["15"])
        let error = try #require(throws: InspectionError.self) { try binaries.directory(major: "17") }
        #expect(error.message.contains("PostgreSQL 17 server binaries are not installed"))
        #expect(FailureClassifier().classify(output: error.output ?? "")?.cause == .missingDependency)
    }

    @Test func noPostgreSQLAtAllIsAMissingDependency() throws {
        let (_, binaries) = try installation([])
        let error = try #require(throws: InspectionError.self) { try binaries.directory(major: nil) }
        #expect(error.message.contains("install postgresql or set postgres.bin_dir"))
        #expect(FailureClassifier().classify(output: error.output ?? "")?.cause == .missingDependency)
    }

    @Test func validationAnswersAreReadStrictly() {
        #expect(SQLValidation.problem(with: "t\n") == nil)
        #expect(SQLValidation.problem(with: "42\n") == nil)
        #expect(SQLValidation.problem(with: "f\n")?.contains("returned 'f'") == true)
        #expect(SQLValidation.problem(with: "0\n")?.contains("returned '0'") == true)
        #expect(SQLValidation.problem(with: "")?.contains("returned 0 rows") == true)
        #expect(SQLValidation.problem(with: "t\nt\n")?.contains("returned 2 rows") == true)
    }
}
