import BackstopCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// POSIX glob(3): the system's matcher, so patterns behave as in the user's shell.
package enum Glob {
    package static func paths(matching pattern: String) throws(InspectionError) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(pattern, 0, nil, &result)
        switch status {
        case 0: break
        case GLOB_NOMATCH: return []
        case GLOB_ABORTED: throw InspectionError("cannot read the directory of \(pattern) (permission denied or unreadable)")
        default: throw InspectionError("cannot expand \(pattern) (glob error \(status))")
        }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}
