#include "CSQLiteSetup.h"
#include <sqlite3.h>

int backstop_sqlite_allocate_pages_as_read(void) {
    return sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
}
