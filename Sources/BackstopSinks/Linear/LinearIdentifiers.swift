import BackstopInput
import Foundation

// The fuzz build (scripts/fuzz) links the sinks for the config parser without swift-crypto;
// BackstopInput's stand-in SHA-256 (Support/FuzzBuildStandIns.swift) is used there instead.
#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Crypto
#endif

/// Ids the sink chooses for what it creates in Linear. Linear accepts a client-chosen UUID on
/// create and refuses a second create with the same one, so deriving the id from the incident
/// (and message) makes a retried create idempotent without a lookup.
enum LinearIdentifiers {
    static func issue(incidentID: String) -> String {
        uuid(named: "backstop/linear/issue/\(incidentID)")
    }

    static func comment(incidentID: String, messageID: Int64) -> String {
        uuid(named: "backstop/linear/comment/\(incidentID)/\(messageID)")
    }

    /// The first 16 bytes of SHA-256(name) with the version (4) and variant (RFC 4122) bits
    /// set, lower-case as Linear answers ids.
    static func uuid(named name: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.hexString
        var groups: [Substring] = []
        var rest = Substring(hex)
        for length in [8, 4, 4, 4, 12] {
            groups.append(rest.prefix(length))
            rest = rest.dropFirst(length)
        }
        return groups.joined(separator: "-")
    }
}
