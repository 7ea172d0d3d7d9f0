import BackstopTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Restore commands that the test holds and releases: each writes `start ARTIFACT PPID` to a
/// shared markers file, then blocks reading its own FIFO until the test opens it, restores, and
/// writes `end ARTIFACT PPID`. The markers are appended with O_APPEND (the shell's `>>`), one
/// short line per write, so the file's order is the order in which restores really began and
/// ended, across every process.
struct RestoreGates {
    struct Marker: Equatable {
        let started: Bool
        let artifact: String
        /// The process that ran the restore command: the replica.
        let replica: Int32
    }

    let markers: String
    let gates: String

    init(directory: TemporaryDirectory, artifacts: [String]) throws {
        markers = directory.file("restore-markers")
        gates = directory.file("restore-gates")
        try FileManager.default.createDirectory(atPath: gates, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: markers, contents: nil) else {
            throw Shell.Failure(description: "could not create \(markers)")
        }
        for artifact in artifacts where mkfifo("\(gates)/\(artifact)", 0o600) != 0 {
            throw Shell.Failure(description: "mkfifo \(gates)/\(artifact): \(String(cString: strerror(errno)))")
        }
    }

    /// The `restore:` of an asset whose restore waits at its gate.
    var restore: String {
        let script = """
            name=$(basename {artifact}); echo "start $name $PPID" >> \(markers); cat \(gates)/$name > /dev/null; \
            tar -xzf {artifact} -C {scratch}; status=$?; echo "end $name $PPID" >> \(markers); exit $status
            """
        // A JSON string is a valid YAML double-quoted scalar.
        let quoted = String(decoding: (try? JSONEncoder().encode(script)) ?? Data(), as: UTF8.self)
        return #"restore: { command: ["sh", "-c", \#(quoted)], validate: ["test", "-s", "{scratch}/dump.sql"], timeout: 5m }"#
    }

    /// Every marker so far, in the order they were written.
    func read() throws -> [Marker] {
        try String(contentsOfFile: markers, encoding: .utf8).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let replica = Int32(parts[2]) else { return nil }
            return Marker(started: parts[0] == "start", artifact: String(parts[1]), replica: replica)
        }
    }

    /// The restores started and not ended, oldest first.
    static func running(_ markers: [Marker]) -> [Marker] {
        var open: [Marker] = []
        for marker in markers {
            if marker.started { open.append(marker) } else { open.removeAll { $0.artifact == marker.artifact } }
        }
        return open
    }

    /// The most restores running at once, replaying the markers in the order they were written.
    static func mostAtOnce(_ markers: [Marker]) -> Int {
        var open = 0
        var most = 0
        for marker in markers {
            open += marker.started ? 1 : -1
            most = max(most, open)
        }
        return most
    }

    /// Lets every restore waiting at its gate now go on (no waiting for one that has not
    /// reached it): a test that ends early must not leave restores blocked behind a shutdown.
    func releaseWaiting() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: gates) else { return }
        for name in names {
            let descriptor = open("\(gates)/\(name)", O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// Lets the restore of `artifact` go on: opens its FIFO for writing and closes it, so its
    /// `cat` reads the end. The command opens the FIFO just after writing its start marker; until
    /// it has, there is no reader and the open is asked again (bounded).
    func release(_ artifact: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let descriptor = open("\(gates)/\(artifact)", O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 {
                close(descriptor)
                return
            }
            guard errno == ENXIO, ContinuousClock.now < deadline else {
                throw Shell.Failure(description: "could not release the restore of \(artifact): \(String(cString: strerror(errno)))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
