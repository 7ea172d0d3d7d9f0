import Foundation

/// Runs real tools (tar, gzip, sha256sum, promtool) to build fixtures and check results.
package enum Shell {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Runs `argv` and returns its stdout; throws with stderr when it exits non-zero.
    @discardableResult
    package static func run(_ argv: [String], input: String? = nil, in directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description:
                    "\(argv.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: err + out, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a program is on PATH.
    package static func has(_ program: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(program)"])) != nil
    }
}
