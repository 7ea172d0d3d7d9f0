import Foundation

/// What the backup tool reported about its run, from a status file or a completion event.
package struct ToolReport: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable, CaseIterable {
        case success
        case failure

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let status = Status(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not one of success, failure")
            }
            self = status
        }
    }

    package var asset: String?
    /// The backup tool (`restic`, `rsync`, …), which lets its exit codes be read.
    package var tool: String?
    package var status: Status
    package var exitCode: Int?
    package var output: String?
    package var artifact: String?
    package var sha256: String?
    package var startedAt: Date?
    package var finishedAt: Date?

    package init(
        asset: String? = nil,
        tool: String? = nil,
        status: Status,
        exitCode: Int? = nil,
        output: String? = nil,
        artifact: String? = nil,
        sha256: String? = nil,
        startedAt: Date? = nil,
        finishedAt: Date? = nil
    ) {
        self.asset = asset
        self.tool = tool
        self.status = status
        self.exitCode = exitCode
        self.output = output
        self.artifact = artifact
        self.sha256 = sha256
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case asset, tool, status, output, artifact, sha256
        case exitCode = "exit_code"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
