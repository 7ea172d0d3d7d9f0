import Foundation
import GRDB

/// SQLite receives Swift strings from GRDB as C strings, so text would end at its first NUL
/// character. A string holding NUL is stored as a blob of its UTF-8 bytes instead: GRDB reads a
/// blob back as the same `String`, and the record hashes exactly the value it stores. Keys that
/// come from outside (an alert's asset label) are bound the same way where they are looked up.
enum ExactText {
    static func storable(_ value: DatabaseValue) -> DatabaseValue {
        guard case .string(let text) = value.storage, text.containsNUL else { return value }
        return Data(text.utf8).databaseValue
    }

    /// Arguments that store, or find, text exactly as given: a value written with ``storable``
    /// is only found by a lookup that binds it the same way.
    static func arguments(_ values: [(any DatabaseValueConvertible)?]) -> StatementArguments {
        StatementArguments(databaseValues: storedValues(values))
    }

    /// The values as ``arguments(_:)`` binds them, and as record rows are stored and hashed
    /// (``HashChain``).
    static func storedValues(_ values: [(any DatabaseValueConvertible)?]) -> [DatabaseValue] {
        values.map { storable($0?.databaseValue ?? .null) }
    }
}

extension String {
    /// Whether the text holds a NUL character. Every record row is checked before it is
    /// stored and hashed, reports of several kilobytes among them: libc's memchr over the
    /// contiguous UTF-8 takes 0.03 µs for 3.4 KB where the generic element search took 4.7 µs.
    var containsNUL: Bool {
        let found = utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        }
        return found ?? utf8.contains(0)
    }
}

extension StatementArguments {
    /// Arguments already in database form. GRDB's initialiser for a sequence of convertible
    /// values maps them through a key path, which its unspecialised generic code instantiates at
    /// run time on every call: that showed in the profile of every record row written.
    init(databaseValues: [DatabaseValue]) {
        self.init(databaseValues.map { $0 as (any DatabaseValueConvertible)? })
    }
}
