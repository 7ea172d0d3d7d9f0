#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory that was freed back to the operating system once a burst of work is over.
///
/// glibc's malloc gives each thread that allocates its own arena (up to 8 per core) and returns
/// freed memory of those arenas only when it lies at a heap's end: after `serve` verified 10,000
/// assets, 50 MB were in use but the process kept 255 MiB resident until `malloc_trim(0)` (106
/// MiB after it, measured with gdb on a release build). Called when a durable queue runs empty
/// and after a scheduled window's verification, never on a request path: it walks the free
/// lists of every arena, a few milliseconds on a large heap.
package enum FreedMemory {
    package static func returnToSystem() {
        _ = trim?(0)
    }

    /// glibc's `malloc_trim`, looked up at run time: Swift's Glibc module does not export
    /// `<malloc.h>`, and another C library (musl) has none, which makes this a no-op there.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
            guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }()
}
