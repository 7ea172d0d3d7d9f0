import Foundation

/// The name of one restore test's scratch directory: `backstop-<pid>-<start>-<asset>-<random>`.
/// It names the Backstop that made it, so a later start knows which directories are its own
/// (nothing else in the scratch root is touched) and whether their owner is gone.
package struct ScratchDirectoryName: Equatable, Sendable {
    var owner: ProcessIdentity
    var asset: String
    var random: String

    static let prefix = "backstop-"

    /// A new name for a test of `asset` by this Backstop.
    package static func make(asset: String, owner: ProcessIdentity = .current) -> ScratchDirectoryName {
        let safe = asset.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return ScratchDirectoryName(owner: owner, asset: String(safe), random: String(UUID().uuidString.prefix(8).lowercased()))
    }

    package var text: String { "\(Self.prefix)\(owner.pid)-\(owner.startTime)-\(asset)-\(random)" }

    /// Parses a name made by `make`; anything else is not Backstop's.
    init?(parsing name: String) {
        guard name.hasPrefix(Self.prefix) else { return nil }
        let parts = name.dropFirst(Self.prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, let pid = Int32(parts[0]), let start = UInt64(parts[1]),
            let random = parts.last, random.count == 8, random.allSatisfy(\.isHexDigit)
        else { return nil }
        owner = ProcessIdentity(pid: pid, startTime: start)
        asset = parts[2..<(parts.count - 1)].joined(separator: "-")
        self.random = String(random)
    }

    init(owner: ProcessIdentity, asset: String, random: String) {
        self.owner = owner
        self.asset = asset
        self.random = random
    }
}
