import BackstopInput
import Crypto
import Foundation
import GRDB

/// One value of a record row as it is hashed: SQLite's storage classes, which PostgreSQL's
/// column types map onto (BIGINT → integer, DOUBLE PRECISION → real, TEXT → text). Both stores
/// hash through ``digest(previous:values:)``, so a row hashes the same on either.
package enum RecordValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Text that held NUL: SQLite stores it as a blob (``ExactText``), PostgreSQL in the TEXT
    /// column in ``PostgresExactText``'s form; both hash it as these bytes.
    case blob(Data)

    /// `hash = SHA-256(prev_hash ‖ 0x1F canonical(v1) ‖ 0x1F canonical(v2) …)`. Any sequence of
    /// values, so the intake's rows are hashed through a lazy view of their stored form rather
    /// than an array made for each row under the write lock.
    package static func digest(previous: String, values: some Sequence<RecordValue>) -> String {
        var hasher = SHA256()
        hasher.update(utf8Of: previous)
        for value in values {
            hasher.update(data: separator)
            value.update(&hasher)
        }
        return hasher.finalize().hexString
    }

    private static let separator: [UInt8] = [0x1F]
    /// The tag ``canonical`` puts before text ("S"): the two must stay the same, or every
    /// chain breaks (the golden-file and hash-agreement tests say so).
    private static let textTag: [UInt8] = Array("S".utf8)

    /// Feeds ``canonical`` to the hasher. Text, the bulk of a row (a notification's JSON), goes
    /// in from its own UTF-8 bytes rather than through a tagged copy: the same bytes, so the
    /// same hash, without copying kilobytes twice per row under the write lock.
    private func update(_ hasher: inout SHA256) {
        if case .text(let text) = self {
            hasher.update(data: Self.textTag)
            hasher.update(utf8Of: text)
        } else {
            hasher.update(utf8Of: canonical)
        }
    }

    /// Text holding NUL as the bytes both stores keep and hash (SQLite's blob).
    var exact: RecordValue {
        if case .text(let text) = self, text.containsNUL { return .blob(Data(text.utf8)) }
        return self
    }

    /// A stable text form per storage class, so a value hashes the same after a round trip.
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

extension RecordValue {
    /// A value as SQLite stores it (GRDB's storage classes, text holding NUL as a blob), so a
    /// row built for either store hashes alike.
    package init(_ value: DatabaseValue) {
        self.init(stored: ExactText.storable(value))
    }

    /// A value already in its stored form (``ExactText/storable(_:)`` applied), so its text is
    /// not searched for NUL a second time.
    init(stored value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }
}
