import BackstopCore
import Foundation

/// One entry of `restic snapshots --json`, and how an asset's filters pick the newest.
struct ResticSnapshot: Sendable, Decodable, Equatable {
    var id: String
    var shortID: String?
    var time: Date
    var hostname: String?
    var tags: [String]?
    var paths: [String]?

    enum CodingKeys: String, CodingKey {
        case id, time, hostname, tags, paths
        case shortID = "short_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        shortID = try container.decodeIfPresent(String.self, forKey: .shortID)
        hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        paths = try container.decodeIfPresent([String].self, forKey: .paths)
        let text = try container.decode(String.self, forKey: .time)
        guard let parsed = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        time = parsed
    }

    init(id: String, time: Date, hostname: String? = nil, tags: [String]? = nil, paths: [String]? = nil) {
        self.id = id
        self.shortID = String(id.prefix(8))
        self.time = time
        self.hostname = hostname
        self.tags = tags
        self.paths = paths
    }

    /// Decodes the whole listing, naming what is wrong when restic printed something else.
    static func decodeListing(_ output: String) throws(InspectionError) -> [ResticSnapshot] {
        // restic prints the JSON array on one line; warnings may precede it on stderr.
        guard let start = output.firstIndex(of: "[") else {
            throw InspectionError("restic snapshots printed no JSON listing", output: ToolInvocation.lastLines(of: output))
        }
        do {
            return try JSONDecoder().decode([ResticSnapshot].self, from: Data(output[start...].utf8))
        } catch {
            throw InspectionError(
                "restic snapshots printed a listing Backstop cannot read: \(error)", output: ToolInvocation.lastLines(of: output))
        }
    }

    /// Whether the snapshot belongs to the asset: same host, every tag, every path (restic's
    /// own `--host`, `--tag` and `--path` semantics).
    func matches(_ source: ResticSource) -> Bool {
        if let host = source.host, hostname != host { return false }
        let ownTags = Set(tags ?? [])
        if !source.tags.allSatisfy(ownTags.contains) { return false }
        let ownPaths = Set(paths ?? [])
        return source.paths.allSatisfy(ownPaths.contains)
    }

    /// The newest snapshot matching the asset's filters.
    static func newest(in snapshots: [ResticSnapshot], matching source: ResticSource) -> ResticSnapshot? {
        snapshots.filter { $0.matches(source) }.max { $0.time < $1.time }
    }
}
