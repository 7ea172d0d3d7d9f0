import BackstopCore
import Foundation
import GRDB

/// A consistent copy of the live store, for `backstop backup-store`.
extension SQLiteRunStore {
    /// Copies the store to `destination` with SQLite's online backup API (readers and the writer
    /// go on meanwhile), checks the copy's integrity, and only then moves it into place, so a
    /// half-written or damaged copy never appears under the artifact's name.
    package func backup(to destination: String) throws(StoreError) {
        let partial = destination + ".partial"
        do {
            try? FileManager.default.removeItem(atPath: partial)
            let copy = try DatabaseQueue(path: partial)
            try database.backup(to: copy)
            let integrity = try copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try copy.close()
            guard integrity == ["ok"] else {
                try? FileManager.default.removeItem(atPath: partial)
                throw StoreError("the copy of \(path) failed SQLite's integrity check: \(integrity.prefix(3).joined(separator: "; "))")
            }
            if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch let error as StoreError {
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError(
                "could not back up \(path) to \(destination): \(error); check that the destination directory exists and is writable")
        }
    }
}
