import BackstopCore
import Foundation

/// `backstop diagnose --jsonl`: reads one JSON object per line, `{"text": …, "tool": …,
/// "exit_code": …}` (only `text` is required), and writes one verdict per line in the same order:
/// `{"line": n, "cause": …, "confidence": …, "evidence": […], "rule": …}`. A line that cannot be
/// read gets `{"line": n, "error": "…"}` in its place, naming what is wrong, and the batch goes on.
///
/// Input is read in chunks and output written in chunks, so a batch of any length runs in
/// constant memory; a single line longer than ``lineLimit`` is reported, not read.
package struct DiagnoseBatch {
    struct Request: Decodable {
        var text: String
        var tool: String?
        var exitCode: Int?

        enum CodingKeys: String, CodingKey {
            case text, tool
            case exitCode = "exit_code"
        }
    }

    struct Verdict: Encodable {
        var line: Int
        var cause: FailureCause
        var confidence: Double
        var evidence: [String]
        var rule: String
    }

    struct Failure: Encodable, Error {
        var line: Int
        var error: String
    }

    /// Longest input line read (a tool's output is far smaller; its tail is what matters).
    package static let lineLimit = 16 << 20

    let classifier: FailureClassifier
    /// Used for lines that name no tool or exit code of their own.
    let tool: String?
    let exitCode: Int?
    private let decoder = JSONDecoder()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package init(classifier: FailureClassifier, tool: String? = nil, exitCode: Int? = nil) {
        self.classifier = classifier
        self.tool = tool
        self.exitCode = exitCode
    }

    /// Reads chunks from `read` until it returns nil or empty, writes verdict lines to `write`,
    /// reports each bad line to `report`, and returns how many lines were bad.
    package func run(read: () throws -> Data?, write: (Data) -> Void, report: (String) -> Void) throws -> Int {
        var pending = Data()
        var output = Data()
        var number = 0
        var bad = 0
        // Set while the rest of a too-long line is dropped, up to its newline.
        var skipping = false
        /// One input line; nil when it was longer than the limit.
        func finish(_ line: Data?) {
            number += 1
            let result = verdict(for: skipping ? nil : line, line: number)
            skipping = false
            if case .failure(let failure) = result {
                bad += 1
                report("line \(number): \(failure.error)")
            }
            output.append(encoded(result, line: number))
            output.append(0x0A)
            if output.count >= 1 << 16 {
                write(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        while let chunk = try read(), !chunk.isEmpty {
            // Only the new bytes can hold the next newline.
            var searchFrom = pending.count
            pending.append(chunk)
            var cursor = pending.startIndex
            while let newline = pending[(pending.startIndex + searchFrom)...].firstIndex(of: 0x0A) {
                finish(newline - cursor > Self.lineLimit ? nil : pending[cursor..<newline])
                cursor = newline + 1
                searchFrom = cursor - pending.startIndex
            }
            pending.removeSubrange(pending.startIndex..<cursor)
            if pending.count > Self.lineLimit {
                skipping = true
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty || skipping { finish(pending) }
        if !output.isEmpty { write(output) }
        return bad
    }

    private func verdict(for data: Data?, line: Int) -> Result<Verdict, Failure> {
        guard var data else {
            return .failure(Failure(line: line, error: "longer than \(Self.lineLimit >> 20) MiB; send the tail of the output instead"))
        }
        if data.last == 0x0D { data.removeLast() }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return .failure(Failure(line: line, error: "empty line; expected a JSON object with \"text\""))
        }
        do {
            let request = try decoder.decode(Request.self, from: data)
            let diagnosis = classifier.diagnose(output: request.text, exitCode: request.exitCode ?? exitCode, tool: request.tool ?? tool)
            return .success(
                Verdict(
                    line: line, cause: diagnosis.cause, confidence: diagnosis.confidence, evidence: diagnosis.evidence, rule: diagnosis.rule
                ))
        } catch let error as DecodingError {
            return .failure(Failure(line: line, error: Self.describe(error)))
        } catch {
            return .failure(Failure(line: line, error: "not a JSON object: \(error.localizedDescription)"))
        }
    }

    private func encoded(_ result: Result<Verdict, Failure>, line: Int) -> Data {
        let data: Data?
        switch result {
        case .success(let verdict): data = try? encoder.encode(verdict)
        case .failure(let failure): data = try? encoder.encode(failure)
        }
        // Both types hold only strings and numbers; encoding cannot fail, but say so if it ever does.
        return data ?? Data(#"{"line":\#(line),"error":"could not encode the verdict"}"#.utf8)
    }

    /// What is wrong with the object, naming the key and what it must be.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is required (the tool's output, as a string)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let key = context.codingPath.last?.stringValue ?? "the line"
            let expected = key == "exit_code" ? "an integer" : key == "the line" ? "a JSON object" : "a string"
            return "\(key == "the line" ? key : "\"\(key)\"") must be \(expected)"
        case .dataCorrupted:
            return "not valid JSON; expected one object per line like {\"text\": \"…\", \"tool\": \"restic\", \"exit_code\": 1}"
        @unknown default:
            return "not a diagnosis request: \(error.localizedDescription)"
        }
    }
}
