import BackstopCore
import Foundation
import Testing

/// Real outputs of backup tools (Tests/Fixtures/tool-output, see its README), each with the
/// cause a person reading it would give and the public page it came from; the classifier is
/// measured on all of them, and separately on the held-out part it was not written from.
@Suite struct ToolOutputFixtureTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        var path: String
        var cause: FailureCause
        var exitCode: Int?
        var source: String
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
            return Fixture(
                path: columns[0], cause: cause, exitCode: columns.count > 2 ? Int(columns[2]) : nil,
                source: columns.count > 3 ? columns[3] : "",
                set: set)
        }
    }()

    static func diagnose(_ fixture: Fixture) throws -> Diagnosis {
        let output = try String(contentsOf: root.appendingPathComponent(fixture.path), encoding: .utf8)
        return FailureClassifier().diagnose(output: output, exitCode: fixture.exitCode, tool: fixture.tool)
    }

    @Test func theCorpusIsLargeAndCoversEveryCause() {
        #expect(Self.fixtures.count >= 400)
        #expect(Set(Self.fixtures.map(\.cause)) == Set(FailureCause.allCases))
        #expect(Set(Self.fixtures.map(\.set)) == ["seen", "heldout"])
        let heldOut = Self.fixtures.filter { $0.set == "heldout" }
        #expect(heldOut.count >= 100)
        #expect(Set(heldOut.map(\.cause)) == Set(FailureCause.allCases))
    }

    /// Every output says where it came from: a public page, or the exact local command.
    @Test func everyOutputNamesItsSource() {
        let unsourced = Self.fixtures.filter { fixture in
            !(fixture.source.hasPrefix("https://") || fixture.source.hasPrefix("local:")
                || fixture.source.contains("captured by Backstop's"))
        }
        #expect(unsourced.map(\.path) == [])
    }

    /// Accuracy over the corpus: overall, per set, per cause and per tool family, then the same
    /// for the held-out part alone, with confusion matrices, how often an output labelled
    /// `unknown` (genuinely ambiguous) got `unknown`, and the mean confidence of right and wrong
    /// answers (calibration). The bars: held-out accuracy on known causes ≥ 90 %, every held-out
    /// cause ≥ 70 %, ≥ 90 % overall, every cause ≥ 70 %, ambiguous outputs `unknown` ≥ 80 %, and
    /// right answers more confident than wrong ones.
    @Test func accuracyOnRealOutput() throws {
        var all = AccuracyReport()
        var heldOut = AccuracyReport()
        for fixture in Self.fixtures {
            let diagnosis = try Self.diagnose(fixture)
            all.add(fixture: fixture, diagnosis: diagnosis, keys: ["overall", "set \(fixture.set)"])
            if fixture.set == "heldout" { heldOut.add(fixture: fixture, diagnosis: diagnosis, keys: ["held-out"]) }
        }
        print(["ALL OUTPUTS", all.text, "HELD-OUT OUTPUTS (the rules were not written from them)", heldOut.text].joined(separator: "\n"))
        for cause in FailureCause.allCases {
            #expect(all.tally.rate("cause \(cause.rawValue)") >= 0.7, "\(cause.rawValue)")
            #expect(heldOut.tally.rate("cause \(cause.rawValue)") >= 0.7, "held-out \(cause.rawValue)")
        }
        #expect(all.tally.rate("overall") >= 0.9)
        #expect(heldOut.tally.rate("known causes") >= 0.9)
        #expect(all.tally.rate("ambiguous answered unknown") >= 0.8)
        #expect(all.meanConfidence(right: true) > all.meanConfidence(right: false))
    }
}

/// Right/total per key, the confusion matrix and the confidences of one measurement.
struct AccuracyReport {
    var tally = Tally()
    var confusion: [FailureCause: [FailureCause: Int]] = [:]
    var confidence: [Bool: [Double]] = [true: [], false: []]
    var misses: [String] = []

    mutating func add(fixture: ToolOutputFixtureTests.Fixture, diagnosis: Diagnosis, keys: [String]) {
        let right = diagnosis.cause == fixture.cause
        for key in keys + ["cause \(fixture.cause.rawValue)", "tool \(fixture.tool)"] { tally.add(key, right) }
        if fixture.cause == .unknown { tally.add("ambiguous answered unknown", right) } else { tally.add("known causes", right) }
        confusion[fixture.cause, default: [:]][diagnosis.cause, default: 0] += 1
        if diagnosis.cause != .unknown { confidence[right, default: []].append(diagnosis.confidence) }
        if !right {
            misses.append(
                "\(fixture.set) \(fixture.path): expected \(fixture.cause.rawValue), got \(diagnosis.cause.rawValue) (\(diagnosis.rule))")
        }
    }

    func meanConfidence(right: Bool) -> Double {
        let values = confidence[right] ?? []
        return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    var text: String {
        let calibration = String(
            format: "mean confidence: right %.3f (n=%d), wrong %.3f (n=%d)", meanConfidence(right: true), confidence[true]?.count ?? 0,
            meanConfidence(right: false), confidence[false]?.count ?? 0)
        return [tally.table, calibration, matrix, misses.map { "  miss: \($0)" }.joined(separator: "\n")].joined(separator: "\n")
    }

    var matrix: String {
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

/// Right/total per key, printed as a table.
struct Tally {
    var counts: [String: (right: Int, total: Int)] = [:]

    mutating func add(_ key: String, _ right: Bool) {
        let current = counts[key] ?? (0, 0)
        counts[key] = (current.right + (right ? 1 : 0), current.total + 1)
    }

    /// The share right; 1 for a key with no outputs (nothing to get wrong).
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
