import Backstop
import GRDB
import Testing

extension BackstopServices {
    /// The SQLite store's pool, for tests that reach past the store protocols into the file (as
    /// an attacker with the file could, or to break a table on purpose).
    var sqliteDatabase: DatabasePool {
        get throws { try #require(store as? SQLiteRunStore, "these services run on SQLite").database }
    }
}
