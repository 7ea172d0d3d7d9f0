import Foundation

/// The real tool outputs of Tests/Fixtures/tool-output (see its README), as the classifier
/// tests read them: each file with the exit code and tool expected.tsv gives it.
enum ToolOutputCorpus {
    struct Output: Sendable {
        var text: String
        var exitCode: Int?
        var tool: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/Fixtures/tool-output")

    /// Empty when the table cannot be read; the benchmark refuses to run on fewer than 400.
    static let outputs: [Output] = {
        guard let table = try? String(contentsOf: root.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        return table.split(separator: "\n").dropFirst().compactMap { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let path = columns.first,
                let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            else { return nil }
            return Output(
                text: text, exitCode: columns.count > 2 ? Int(columns[2]) : nil,
                tool: path.split(separator: "/").first.map(String.init) ?? "")
        }
    }()
}
