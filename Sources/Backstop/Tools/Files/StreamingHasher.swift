import BackstopCore
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of a file read through one fixed buffer, so memory stays flat whatever the size.
package enum StreamingHasher {
    /// 1 MiB: large enough that syscalls are noise next to hashing, small enough to stay in L2.
    package static let bufferSize = 1 << 20

    /// Hashes the file at `path`, calling `progress` with the bytes of each chunk read.
    /// Reads block the calling thread; callers bound how many run at once.
    package static func sha256(
        path: String, progress: (Int) -> Void = { _ in }
    ) throws(InspectionError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InspectionError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)

        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            if Task.isCancelled { throw InspectionError("hashing \(path) was cancelled") }
            let count = read(descriptor, buffer.baseAddress, bufferSize)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw InspectionError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            progress(count)
        }
        return hasher.finalize().hexString
    }
}
