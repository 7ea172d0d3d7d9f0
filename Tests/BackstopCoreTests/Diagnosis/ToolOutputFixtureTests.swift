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
        /// `seen` (the rules were written with it in view) or `heldout` (never used to write them).
        var set: String
        var tool: String { path.split(separator: "/").first.map(String.init) ?? "" }
        var testDescription: String { "\(path) → \(cause.rawValue)" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/tool-output")

    static let fixtures: [Fixture] = {
        guard let table = try? String(contentsOf: root.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        return table.split(separator: "\n").dropFirst().compactMap { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 2, let cause = FailureCause(rawValue: columns[1]) else { return nil }
            let set = columns.count > 4 && !columns[4].isEmpty ? columns[4] : "seen"
            return Fixture(path: columns[0], cause: cause, exitCode: columns.count > 2 ? Int(columns[2]) : nil, set: set)
        }
    }()

    static func diagnose(_ fixture: Fixture) throws -> Diagnosis {
        let output = try String(contentsOf: root.appendingPathComponent(fixture.path), encoding: .utf8)
        return FailureClassifier().diagnose(output: output, exitCode: fixture.exitCode, tool: fixture.tool)
    }

    @Test func theCorpusIsLargeAndCoversEveryCause() {
        #expect(Self.fixtures.count >= 250)
        #expect(Set(Self.fixtures.map(\.cause)) == Set(FailureCause.allCases))
        #expect(Set(Self.fixtures.map(\.set)) == ["seen", "heldout"])
    }

    /// Right/total per key, printed as a table.
    struct Tally {
        var counts: [String: (right: Int, total: Int)] = [:]

        mutating func add(_ key: String, _ right: Bool) {
            let current = counts[key] ?? (0, 0)
            counts[key] = (current.right + (right ? 1 : 0), current.total + 1)
        }

        func rate(_ key: String) -> Double {
            guard let count = counts[key], count.total > 0 else { return 1 }
            return Double(count.right) / Double(count.total)
        }

        var table: String {
            counts.keys.sorted().map { key in
                let count = counts[key] ?? (0, 0)
                let padded = key.padding(toLength: 34, withPad: " ", startingAt: 0)
                return "\(padded)\(String(format: "%4d/%-4d %5.1f %%", count.right, count.total, 100 * rate(key)))"
            }.joined(separator: "\n")
        }
    }

    /// Accuracy over the corpus: overall, per set, per cause and per tool family, with the
    /// confusion matrix, how often an output labelled `unknown` (genuinely ambiguous) got a
    /// confident cause, and the mean confidence of right and wrong answers. The bar is ≥ 90 %
    /// overall and ≥ 70 % for every cause; the tables show a change that helps one cause and hurts
    /// another.
    @Test func accuracyOnRealOutput() throws {
        var tally = Tally()
        var confusion: [FailureCause: [FailureCause: Int]] = [:]
        var confidence: [Bool: [Double]] = [true: [], false: []]
        var misses: [String] = []
        for fixture in Self.fixtures {
            let diagnosis = try Self.diagnose(fixture)
            let right = diagnosis.cause == fixture.cause
            for key in ["overall", "set \(fixture.set)", "cause \(fixture.cause.rawValue)", "tool \(fixture.tool)"] {
                tally.add(key, right)
            }
            if fixture.cause == .unknown { tally.add("ambiguous answered unknown", right) }
            confusion[fixture.cause, default: [:]][diagnosis.cause, default: 0] += 1
            if diagnosis.cause != .unknown { confidence[right, default: []].append(diagnosis.confidence) }
            if !right {
                misses.append(
                    "\(fixture.set) \(fixture.path): expected \(fixture.cause.rawValue), got \(diagnosis.cause.rawValue) (\(diagnosis.rule))"
                )
            }
        }
        let mean = { (values: [Double]) in values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        let calibration = String(
            format: "mean confidence: right %.2f (n=%d), wrong %.2f (n=%d)", mean(confidence[true] ?? []), confidence[true]?.count ?? 0,
            mean(confidence[false] ?? []), confidence[false]?.count ?? 0)
        print(
            [tally.table, calibration, Self.matrix(confusion)].joined(separator: "\n") + "\n"
                + misses.map { "  miss: \($0)" }.joined(separator: "\n"))
        for cause in FailureCause.allCases {
            #expect(tally.rate("cause \(cause.rawValue)") >= 0.7, "\(cause.rawValue)")
        }
        #expect(tally.rate("overall") >= 0.9)
        #expect(mean(confidence[true] ?? []) > mean(confidence[false] ?? []))
    }

    static func matrix(_ confusion: [FailureCause: [FailureCause: Int]]) -> String {
        let causes = FailureCause.allCases
        let cell = { (text: String) in String(repeating: " ", count: max(0, 5 - text.count)) + text }
        var out =
            "confusion (rows expected, columns got; "
            + causes.enumerated().map { "\($0.offset)=\($0.element.rawValue)" }.joined(separator: " ") + ")\n"
        out += "    " + causes.indices.map { cell(String($0)) }.joined() + "\n"
        for (index, expected) in causes.enumerated() {
            out += cell(String(index)).dropFirst() + causes.map { cell(confusion[expected]?[$0].map(String.init) ?? ".") }.joined() + "\n"
        }
        return out
    }
}
