import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Removing a scratch directory never changes anything outside it: a restored archive may hold
/// symlinks to files and directories elsewhere, and the cleanup used to chmod them to 0700.
@Suite struct ScratchCleanupTests {
    @Test func symlinksOutOfScratchAreRemovedWithoutTouchingTheirTargets() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let outsideFile = try harness.directory.write("outside/secret.conf", "keep me\n")
        let outsideDirectory = harness.directory.file("outside/dir")
        try FileManager.default.createDirectory(atPath: outsideDirectory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: outsideFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: outsideDirectory)
        // What an archive with symlinks and read-only directories leaves in scratch.
        let script =
            #"ln -s "$2" "$1/file-link" && ln -s "$3" "$1/dir-link" && mkdir -p "$1/ro/inner" && ln -s "$2" "$1/ro/inner/link" && chmod 555 "$1/ro/inner" "$1/ro""#
        let restore = """
            { command: ["sh", "-c", '\(script)', "sh", "{scratch}", "\(outsideFile)", "\(outsideDirectory)"], timeout: 1m }
            """
        let run = try await harness.verify(try harness.configuration(assets: VerificationScenarioTests.asset(restore: restore)))
        #expect(
            run.outcome("orders-db")?.check(.restore)?.status == .passed, "\(String(describing: run.outcome("orders-db")?.check(.restore)))"
        )
        #expect(harness.scratchLeftovers.isEmpty, "\(harness.scratchLeftovers)")
        let fileMode = try #require(try FileManager.default.attributesOfItem(atPath: outsideFile)[.posixPermissions] as? Int)
        let directoryMode = try #require(try FileManager.default.attributesOfItem(atPath: outsideDirectory)[.posixPermissions] as? Int)
        #expect(fileMode == 0o640, "mode \(String(fileMode, radix: 8))")
        #expect(directoryMode == 0o750, "mode \(String(directoryMode, radix: 8))")
        #expect(try String(contentsOfFile: outsideFile, encoding: .utf8) == "keep me\n")
    }
}
