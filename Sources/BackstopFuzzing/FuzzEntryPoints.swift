import BackstopCore
import BackstopInput
import BackstopSinks
import Foundation

/// What one input did to a parser: accepted, or refused with the message a user would see.
/// A crash is neither: it ends the process, which is what the fuzzers look for.
package enum FuzzOutcome: Equatable, Sendable {
    case accepted
    case rejected(message: String)
}

/// The parsers that take input from outside, one entry point each, taking raw bytes. The libFuzzer
/// executables under `Fuzz/` call these, and `FuzzRegressionTests` replays every kept crash input
/// and seed through the same functions, so what a fuzzer found stays fixed in the normal suite.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// `POST /api/v1/alerts`: Alertmanager's webhook body.
    case alertmanager
    /// `POST /api/v1/events` and status files: a backup tool's completion report.
    case event
    /// The YAML configuration file, bytes → UTF-8 → YAML → `Configuration`.
    case config
    /// The tool-output classifier (diagnosis of a failure from the tool's output).
    case diagnosis
    /// Log lines as the log sources read them: plain/JSON lines, `journalctl -o json`, Loki answers.
    case loglines
    /// An S3 endpoint's XML answers (listings, errors).
    case s3xml

    package func run(_ data: Data) -> FuzzOutcome {
        switch self {
        case .alertmanager: Self.alertmanager(data)
        case .event: Self.event(data)
        case .config: Self.config(data)
        case .diagnosis: Self.diagnosis(data)
        case .loglines: Self.loglines(data)
        case .s3xml: Self.s3xml(data)
        }
    }

    /// Also differential: what the webhook's own reader reads must be what `JSONDecoder` reads.
    private static func alertmanager(_ data: Data) -> FuzzOutcome {
        if let disagreement = AlertmanagerPayload.readerDisagreement(on: data) { fatalError(disagreement) }
        do throws(PayloadError) {
            _ = try AlertmanagerPayload.notification(from: data, id: "fuzz", receivedAt: Date(timeIntervalSince1970: 0))
            return .accepted
        } catch {
            return .rejected(message: error.message)
        }
    }

    /// Also differential: what Backstop's reader reads, Foundation's `XMLParser` (libxml2) must
    /// read the same (``S3XMLReader`` refuses more, never less).
    private static func s3xml(_ data: Data) -> FuzzOutcome {
        do throws(S3XMLError) {
            let elements = try S3XMLReader.elements(of: data, records: "Contents")
            if let disagreement = XMLParserElements.disagreement(with: elements, on: data, records: "Contents") {
                fatalError(disagreement)
            }
            return .accepted
        } catch {
            return .rejected(message: error.description)
        }
    }

    private static func event(_ data: Data) -> FuzzOutcome {
        do throws(InspectionError) {
            _ = try ToolReportDecoder.decode(data)
            return .accepted
        } catch {
            return .rejected(message: error.message)
        }
    }

    /// Relative paths in the input resolve against a directory that does not exist, so an input
    /// cannot make the reader depend on what happens to be on the machine.
    static let configDirectory = "/nonexistent-backstop-fuzz"

    private static func config(_ data: Data) -> FuzzOutcome {
        do throws(ConfigurationError) {
            let text = try ConfigurationLoader.decodeUTF8(data, file: "fuzz.yml")
            // Every registered sink, so the fuzzer reaches each sink's `incidents.<name>` keys.
            _ = try ConfigurationLoader.parse(
                text, file: "fuzz.yml", baseDirectory: configDirectory, secrets: .ifReadable, sinks: SinkRegistry.plugins)
            return .accepted
        } catch {
            return .rejected(message: error.problems.map(\.message).joined(separator: "; "))
        }
    }

    /// Tools whose exit codes the classifier reads; the input's length picks one, its last byte
    /// the exit code, so the fuzzer explores those paths with the same bytes as the output.
    static let tools: [String?] = [nil, "restic", "borg", "rsync", "pgbackrest", "pg_dump", "tar", "rclone"]

    private static func diagnosis(_ data: Data) -> FuzzOutcome {
        let output = String(decoding: data, as: UTF8.self)
        let tool = tools[data.count % tools.count]
        let diagnosis = FailureClassifier().diagnose(output: output, exitCode: data.last.map(Int.init), tool: tool)
        return diagnosis.evidence.isEmpty ? .rejected(message: "no evidence for \(diagnosis.cause)") : .accepted
    }

    private static func loglines(_ data: Data) -> FuzzOutcome {
        let text = String(decoding: data, as: UTF8.self)
        let parser = LogLineParser(timeZone: TimeZone(identifier: "Europe/Berlin") ?? .gmt, year: 2026)
        var timestamps = 0
        for line in text.split(whereSeparator: \.isNewline) where parser.parse(String(line)).timestamp != nil {
            timestamps += 1
        }
        timestamps += JournalJSON.parse(text, service: "fuzz").count
        do {
            _ = try JSONDecoder().decode(LokiQueryRangeResponse.self, from: data)
            timestamps += 1
        } catch {
            // Not a Loki answer: the source reports the decoding error; the line parsers above ran.
        }
        return timestamps > 0 ? .accepted : .rejected(message: "no timestamped line")
    }
}

extension FuzzTarget {
    /// libFuzzer's `LLVMFuzzerTestOneInput` contract: the bytes, then 0 (keep the input).
    package func libFuzzerInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        _ = run(Data(bytes: bytes, count: count))
        return 0
    }
}
