import BackstopCore
import Foundation

/// The parts of `pgbackrest info --output=json` that verification reads, for one stanza.
struct PgBackRestInfo: Sendable, Decodable, Equatable {
    struct Status: Sendable, Decodable, Equatable {
        var code: Int
        var message: String
    }
    struct Backup: Sendable, Decodable, Equatable {
        struct Archive: Sendable, Decodable, Equatable {
            var start: String?
            var stop: String?
        }
        struct Timestamp: Sendable, Decodable, Equatable {
            var start: Int64
            var stop: Int64
        }
        struct Sizes: Sendable, Decodable, Equatable {
            struct Repository: Sendable, Decodable, Equatable {
                var size: Int64?
                var delta: Int64?
            }
            var size: Int64
            var delta: Int64?
            var repository: Repository?
        }
        struct Database: Sendable, Decodable, Equatable {
            var id: Int
        }
        var label: String
        var type: String
        var timestamp: Timestamp
        var info: Sizes
        var archive: Archive?
        var database: Database?
        /// pgBackRest's own verdict: true when it found errors (such as page checksum errors)
        /// while backing up, whatever its exit code said.
        var error: Bool?
    }
    struct ArchiveRange: Sendable, Decodable, Equatable {
        struct Database: Sendable, Decodable, Equatable { var id: Int }
        var id: String
        var min: String?
        var max: String?
        var database: Database?
    }
    struct DatabaseVersion: Sendable, Decodable, Equatable {
        var id: Int
        var version: String
    }

    var name: String
    var status: Status
    var backup: [Backup]
    var archive: [ArchiveRange]
    var db: [DatabaseVersion]

    /// Finds the stanza's entry in pgBackRest's output (a JSON array on one line; warnings may
    /// be printed around it).
    static func decode(_ output: String, stanza: String) throws(InspectionError) -> PgBackRestInfo {
        let json = output.split(separator: "\n").first { $0.hasPrefix("[") }
        guard let json, let stanzas = try? JSONDecoder().decode([PgBackRestInfo].self, from: Data(json.utf8)) else {
            throw InspectionError("pgbackrest info printed no JSON Backstop can read", output: ToolInvocation.lastLines(of: output))
        }
        guard let info = stanzas.first(where: { $0.name == stanza }) else {
            throw InspectionError("pgbackrest info does not list stanza \(stanza)", output: ToolInvocation.lastLines(of: output))
        }
        return info
    }

    /// The newest backup, by when it finished.
    var newest: Backup? { backup.max { $0.timestamp.stop < $1.timestamp.stop } }

    func majorVersion(of backup: Backup) -> String? {
        db.first { $0.id == backup.database?.id }?.version ?? db.last?.version
    }

    func archiveRange(of backup: Backup) -> ArchiveRange? {
        archive.first { $0.database?.id == backup.database?.id } ?? archive.last
    }
}
