import BackstopCore
import Foundation

/// Where PostgreSQL's server programs (initdb, pg_ctl) and clients are, and whom they run as.
package struct PostgresBinaries: Sendable {
    package var settings: PostgresSettings
    /// Debian's layout: one directory per major version.
    package var versionsRoot = "/usr/lib/postgresql"

    package init(settings: PostgresSettings) {
        self.settings = settings
    }

    /// The bin directory for `major` (a pgBackRest backup's version), or the newest installed
    /// (pg_restore reads dumps of its own and older versions). A missing version is a missing
    /// dependency named by its number.
    package func directory(major: String?) throws(InspectionError) -> String {
        if let configured = settings.binDirectory {
            guard FileManager.default.isExecutableFile(atPath: "\(configured)/initdb") else {
                throw InspectionError(
                    "postgres.bin_dir \(configured) has no initdb: PostgreSQL server binaries are not installed there",
                    output: "\(configured)/initdb: executable file not found")
            }
            return configured
        }
        if let major {
            let directory = "\(versionsRoot)/\(major)/bin"
            guard FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") else {
                throw InspectionError(
                    "PostgreSQL \(major) server binaries are not installed (no \(directory)/initdb); install postgresql-\(major) or set postgres.bin_dir",
                    output: "initdb for PostgreSQL \(major): executable file not found in $PATH")
            }
            return directory
        }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: versionsRoot)) ?? [])
            .compactMap(Int.init).sorted(by: >)
            .filter { FileManager.default.isExecutableFile(atPath: "\(versionsRoot)/\($0)/bin/initdb") }
        guard let newest = versions.first else {
            throw InspectionError(
                "PostgreSQL server binaries are not installed (no \(versionsRoot)/*/bin/initdb); install postgresql or set postgres.bin_dir",
                output: "initdb: executable file not found in $PATH")
        }
        return "\(versionsRoot)/\(newest)/bin"
    }

    /// The argv prefix that runs a server program as `postgres.user` when Backstop is root
    /// (initdb and the postmaster refuse root); empty otherwise.
    package var asServerUser: [String] {
        guard getuid() == 0, let entry = getpwnam(settings.user) else { return [] }
        return ["setpriv", "--reuid=\(entry.pointee.pw_uid)", "--regid=\(entry.pointee.pw_gid)", "--init-groups", "--"]
    }

    /// Gives `path` to the server user, so a cluster run as that user can write it.
    package func handOver(_ path: String) throws(InspectionError) {
        guard getuid() == 0 else { return }
        guard let entry = getpwnam(settings.user) else {
            throw InspectionError("postgres.user \(settings.user) does not exist on this host; create it or set postgres.user")
        }
        guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw InspectionError("cannot give \(path) to \(settings.user): \(String(cString: strerror(errno)))")
        }
    }
}
