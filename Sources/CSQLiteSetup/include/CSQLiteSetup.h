// Process-wide SQLite settings that only C can make: sqlite3_config is variadic, which Swift
// does not import. sqlite3.h stays out of this header, so this module does not clash with
// GRDB's own module of it.
#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Stops SQLite preallocating each connection's first 20 page-cache slots in one block
/// (SQLITE_CONFIG_PAGECACHE with no buffer and 0 slots); pages are then allocated as they are
/// read. Must run before SQLite's first use in the process; returns SQLite's result code
/// (SQLITE_MISUSE, 21, when SQLite was already in use, and then nothing changed).
int backstop_sqlite_allocate_pages_as_read(void);

#endif
