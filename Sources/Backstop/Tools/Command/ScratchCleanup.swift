import Foundation

/// Makes a scratch tree removable without ever touching anything outside it: restores may leave
/// read-only directories behind, and an archive may hold symlinks to files elsewhere, whose
/// modes must not change. Only real directories are made writable; symlinks are never followed.
enum ScratchCleanup {
    static func makeDirectoriesWritable(under root: String) {
        makeWritable(root)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in walker {
            makeWritable("\(root)/\(relative)")
        }
    }

    /// `chmod 0700` on `path` if it is a directory itself, not a symlink to one: the directory is
    /// opened with `O_NOFOLLOW`, so a symlink swapped in after the check is not followed either.
    private static func makeWritable(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o700)
    }
}
