import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `backstop diagnose --jsonl`: one verdict line per request line, in order; a bad line gets an
/// error naming its number and what is wrong, and the batch goes on.
@Suite struct DiagnoseBatchTests {
    struct Output: Decodable {
        var line: Int
        var cause: String?
        var rule: String?
        var error: String?
    }

    /// Runs a batch over `input`, fed in chunks of `chunk` bytes.
    func run(_ input: String, chunk: Int = 1 << 16) throws -> (outputs: [Output], reports: [String], bad: Int) {
        var remaining = Data(input.utf8)
        var written = Data()
        var reports: [String] = []
        let bad = try DiagnoseBatch(classifier: FailureClassifier()).run(
            read: {
                let next = remaining.prefix(chunk)
                remaining = remaining.dropFirst(chunk)
                return Data(next)
            },
            write: { written.append($0) }, report: { reports.append($0) })
        let outputs = try written.split(separator: 0x0A).map { try JSONDecoder().decode(Output.self, from: Data($0)) }
        return (outputs, reports, bad)
    }

    @Test func everyLineGetsOneVerdictInOrderAndBadLinesSayWhy() throws {
        let input = [
            #"{"text": "tar: orders.tar: Cannot write: No space left on device", "tool": "tar", "exit_code": 2}"#,
            #"{"text": "oops"#,
            #"{"tool": "restic"}"#,
            #"{"text": "Fatal: wrong password or no key found", "exit_code": "12"}"#,
            "",
            "{\"text\": \"Fatal: wrong password or no key found\", \"tool\": \"restic\", \"exit_code\": 12}\r",
            #"["text"]"#,
            #"{"text": "mysqldump: Got error: 2013: Lost connection to MySQL server during query"}"#,
        ].joined(separator: "\n")
        for chunk in [1 << 16, 7] {
            let (outputs, reports, bad) = try run(input, chunk: chunk)
            #expect(outputs.map(\.line) == Array(1...8))
            #expect(outputs.map(\.cause) == ["disk_full", nil, nil, nil, nil, "expired_credentials", nil, "network_timeout"])
            #expect(bad == 5)
            #expect(outputs[1].error?.contains("not valid JSON") == true)
            #expect(outputs[2].error == #""text" is required (the tool's output, as a string)"#)
            #expect(outputs[3].error == #""exit_code" must be an integer"#)
            #expect(outputs[4].error?.contains("empty line") == true)
            #expect(outputs[6].error == "the line must be a JSON object")
            #expect(reports.map { $0.prefix(7) } == ["line 2:", "line 3:", "line 4:", "line 5:", "line 7:"])
        }
    }

    @Test func aLineLongerThanTheLimitIsReportedAndTheBatchGoesOn() throws {
        let long = #"{"text": ""# + String(repeating: "x", count: DiagnoseBatch.lineLimit + 10) + #""}"#
        let (outputs, _, bad) = try run(long + "\n" + #"{"text": "gzip: stdin: unexpected end of file"}"# + "\n")
        #expect(outputs.map(\.line) == [1, 2])
        #expect(outputs[0].error?.contains("longer than 16 MiB") == true)
        #expect(outputs[1].cause == "corrupted_artifact")
        #expect(bad == 1)
    }

    @Test func theCommandExitsOneWhenALineIsBadAndZeroWhenNone() async throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write(
            "good.jsonl", #"{"text": "rsync error: timeout in data send/receive (code 30)", "tool": "rsync"}"# + "\n")
        let mixed = try directory.write("mixed.jsonl", #"{"text": "x"}"# + "\nnot json\n")
        #expect(await BackstopCommand.runMain(arguments: ["diagnose", "--jsonl", good]) == 0)
        #expect(await BackstopCommand.runMain(arguments: ["diagnose", "--jsonl", mixed]) == 1)
    }
}
