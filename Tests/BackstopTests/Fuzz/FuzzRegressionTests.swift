import BackstopFuzzing
import Foundation
import Testing

/// Replays, through the fuzzers' own entry points, every input a fuzzer once found crashing
/// (Tests/Fixtures/fuzz-regressions/TARGET/) and the seeds the fuzzers start from. A crash ends
/// the test process; what is checked besides is that bad input gets a message, good input passes.
@Suite struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures")

    static func files(in folder: String) -> [URL] {
        let directory = fixtures.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func keptCrashInputsAreHandled(target: FuzzTarget) throws {
        for file in Self.files(in: "fuzz-regressions/\(target.rawValue)") {
            if case .rejected(let message) = target.run(try Data(contentsOf: file)) {
                #expect(!message.isEmpty, "\(file.lastPathComponent): refused without saying why")
            }
        }
    }

    /// The seeds are well-formed, so each is accepted: a fuzz target that refused them would be
    /// fuzzing its own error path only.
    @Test(arguments: [
        (FuzzTarget.alertmanager, "alertmanager"), (.event, "fuzz-seeds/event"), (.loglines, "fuzz-seeds/loglines"),
        (.diagnosis, "tool-output/restic"), (.diagnosis, "tool-output/borg"), (.s3xml, "fuzz-seeds/s3xml"),
    ])
    func seedsAreAccepted(target: FuzzTarget, folder: String) throws {
        let seeds = Self.files(in: folder).filter { ["json", "log", "txt", "xml"].contains($0.pathExtension) }
        try #require(!seeds.isEmpty, "no seeds in \(folder)")
        for file in seeds {
            #expect(target.run(try Data(contentsOf: file)) == .accepted, "\(folder)/\(file.lastPathComponent)")
        }
    }

    @Test func brokenInputIsRefusedWithTheReason() {
        #expect(FuzzTarget.alertmanager.run(Data("{}".utf8)) == .rejected(message: "field 'groupKey' is required"))
        #expect(FuzzTarget.event.run(Data("[".utf8)) == .rejected(message: "the body is not valid JSON"))
        guard case .rejected(let message) = FuzzTarget.config.run(Data([0x61, 0x3A, 0xFF])) else {
            Issue.record("a configuration that is not UTF-8 was accepted")
            return
        }
        #expect(message.contains("not UTF-8"))
    }
}
