import BackstopTesting
import Foundation
import HummingbirdBcrypt
import Testing

/// Certificates, keys and bcrypt hashes for the web-configuration tests, made by the tools an
/// operator would use.
enum WebFixtures {
    /// A self-signed P-256 certificate for 127.0.0.1 (`<name>.crt`, `<name>.key` in `directory`).
    @discardableResult
    static func selfSigned(in directory: TemporaryDirectory, name: String = "server") async throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        _ = try await Shell.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A real `backstop serve --web.config.file` with `web` (YAML, paths relative to `directory`)
    /// on a free loopback port, verifying one healthy tar.gz asset.
    static func serve(web: String, in directory: TemporaryDirectory) async throws -> (backstop: BackstopProcess, port: Int) {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-db-1.tar.gz"), to: Date())
        let webFile = try directory.write("web.yml", web)
        let port = try FreePort.find()
        let config = try directory.write(
            "backstop.yml",
            """
            \(ServeFixtures.preamble(port: port))
            assets:
              - name: orders-db
                schedule: daily
                backup: { path: backups/orders-db-*.tar.gz }
                \(ServeFixtures.tarRestore)
            """)
        let backstop = try BackstopProcess(
            arguments: ["serve", "--config", config, "--web.config.file", webFile, "--log-format", "text", "--log-level", "info"])
        let listening = await backstop.waitForLine(containing: "Server started and listening", within: .seconds(60))
        try #require(listening != nil, "backstop did not start:\n\(backstop.recentLines.joined(separator: "\n"))")
        return (backstop, port)
    }

    /// A certificate authority (`<name>.crt`, `<name>.key`) that signs client certificates.
    static func certificateAuthority(in directory: TemporaryDirectory, name: String) async throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        _ = try await Shell.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", key, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A client certificate for `name` signed by `authority` (`<name>.crt`, `<name>.key`).
    static func clientCertificate(
        in directory: TemporaryDirectory, name: String, authority: (certificate: String, key: String)
    ) async throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        let request = directory.file("\(name).csr")
        let extensions = try directory.write("\(name).ext", "extendedKeyUsage=clientAuth\n")
        _ = try await Shell.run([
            "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(name)",
            "-keyout", key, "-out", request,
        ])
        _ = try await Shell.run([
            "openssl", "x509", "-req", "-in", request, "-CA", authority.certificate, "-CAkey", authority.key, "-CAcreateserial",
            "-days", "2", "-extfile", extensions, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A bcrypt hash of `password` as `htpasswd -nbB` writes it (`$2y$`). Neither htpasswd nor
    /// Python's bcrypt is on every test machine, so Hummingbird's bcrypt makes it when htpasswd
    /// is missing; `$2y$` and its `$2b$` are the same algorithm.
    static func bcrypt(_ password: String, user: String = "prometheus") async throws -> String {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") {
            let line = try await Shell.run(["/usr/bin/htpasswd", "-nbB", "-C", "4", user, password])
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return "$2y" + Bcrypt.hash(password, cost: 4).dropFirst(3)
    }
}
