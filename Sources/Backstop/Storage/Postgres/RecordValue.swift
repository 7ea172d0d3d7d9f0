import Crypto
import Foundation

/// One value of a record row as it is hashed: SQLite's storage classes, which PostgreSQL's
/// column types map onto (BIGINT → integer, DOUBLE PRECISION → real, TEXT → text).
package enum RecordValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Only SQLite holds blobs (text with NUL, see ``ExactText``); PostgreSQL's TEXT cannot.
    case blob(Data)

    /// `hash = SHA-256(prev_hash ‖ 0x1F canonical(v1) ‖ 0x1F canonical(v2) …)`.
    /// This repeats HashChain's private digest on purpose so the PostgreSQL work needs no edit
    /// to the SQLite files while issue 15 reshapes them; PostgresHashChainTests proves the two
    /// agree on a real SQLite record. Merge them into one function once both land.
    static func digest(previous: String, values: [RecordValue]) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previous.utf8))
        for value in values {
            hasher.update(data: Data([0x1F]))
            hasher.update(data: Data(value.canonical.utf8))
        }
        return hasher.finalize().hexString
    }

    /// The same text form per storage class as HashChain's.
    var canonical: String {
        switch self {
        case .null: "N"
        case .integer(let number): "I\(number)"
        case .real(let number): "D\(number.bitPattern)"
        case .text(let text): "S\(text)"
        case .blob(let data): "B\(data.base64EncodedString())"
        }
    }
}
