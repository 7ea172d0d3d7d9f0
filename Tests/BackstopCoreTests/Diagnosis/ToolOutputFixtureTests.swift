import BackstopCore
import Foundation
import Testing

/// Real outputs of backup tools (Tests/Fixtures/tool-output, see its README), each with the
/// cause a person reading it would give; the classifier is measured on all of them.
@Suite struct ToolOutputFixtureTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        var path: String
        var cause: FailureCause
        var exitCode: Int?
        var testDescription: String { "\(path) → \(cause.rawValue)" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/tool-output")

    static let fixtures: [Fixture] = {
        guard let table = try? String(contentsOf: root.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        return table.split(separator: "\n").dropFirst().compactMap { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 2, let cause = FailureCause(rawValue: columns[1]) else { return nil }
            return Fixture(path: columns[0], cause: cause, exitCode: columns.count > 2 ? Int(columns[2]) : nil)
        }
    }()

    static func diagnose(_ fixture: Fixture) throws -> Diagnosis {
        let output = try String(contentsOf: root.appendingPathComponent(fixture.path), encoding: .utf8)
        let tool = fixture.path.split(separator: "/").first.map(String.init)
        return FailureClassifier().diagnose(output: output, exitCode: fixture.exitCode, tool: tool)
    }

    @Test func theCorpusIsLargeAndCoversEveryCause() {
        #expect(Self.fixtures.count >= 100)
        #expect(Set(Self.fixtures.map(\.cause)) == Set(FailureCause.allCases))
    }

    /// Accuracy over the corpus, per cause. A few real outputs are genuinely ambiguous (see the
    /// corpus README); the bar is ≥ 90 % overall and ≥ 70 % for every cause, and the table is
    /// printed so a change that helps one cause and hurts another shows.
    @Test func accuracyOnRealOutput() throws {
        var right: [FailureCause: Int] = [:]
        var total: [FailureCause: Int] = [:]
        var misses: [String] = []
        for fixture in Self.fixtures {
            let diagnosis = try Self.diagnose(fixture)
            total[fixture.cause, default: 0] += 1
            if diagnosis.cause == fixture.cause {
                right[fixture.cause, default: 0] += 1
            } else {
                misses.append("\(fixture.path): expected \(fixture.cause.rawValue), got \(diagnosis.cause.rawValue)")
            }
        }
        var table = "cause                 right/total  accuracy\n"
        for cause in FailureCause.allCases {
            let hits = right[cause] ?? 0
            let count = total[cause] ?? 0
            table +=
                "\(cause.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0))\(String(format: "%5d/%-5d", hits, count))  \(String(format: "%5.1f %%", count == 0 ? 0 : 100 * Double(hits) / Double(count)))\n"
            #expect(count == 0 || Double(hits) / Double(count) >= 0.7, "\(cause.rawValue): \(hits)/\(count)")
        }
        let overall = Double(right.values.reduce(0, +)) / Double(max(1, Self.fixtures.count))
        table += String(format: "overall               %5d/%-5d  %5.1f %%\n", right.values.reduce(0, +), Self.fixtures.count, overall * 100)
        print(table + misses.map { "  miss: \($0)" }.joined(separator: "\n"))
        #expect(overall >= 0.9)
    }
}
