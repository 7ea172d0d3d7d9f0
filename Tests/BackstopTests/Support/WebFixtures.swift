import BackstopTesting
import Foundation
import HummingbirdBcrypt

/// Certificates, keys and bcrypt hashes for the web-configuration tests, made by the tools an
/// operator would use.
enum WebFixtures {
    /// A self-signed P-256 certificate for 127.0.0.1 (`<name>.crt`, `<name>.key` in `directory`).
    @discardableResult
    static func selfSigned(in directory: TemporaryDirectory, name: String = "server") throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        _ = try Shell.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A certificate authority (`<name>.crt`, `<name>.key`) that signs client certificates.
    static func certificateAuthority(in directory: TemporaryDirectory, name: String) throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        _ = try Shell.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", key, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A client certificate for `name` signed by `authority` (`<name>.crt`, `<name>.key`).
    static func clientCertificate(
        in directory: TemporaryDirectory, name: String, authority: (certificate: String, key: String)
    ) throws -> (certificate: String, key: String) {
        let certificate = directory.file("\(name).crt")
        let key = directory.file("\(name).key")
        let request = directory.file("\(name).csr")
        let extensions = try directory.write("\(name).ext", "extendedKeyUsage=clientAuth\n")
        _ = try Shell.run([
            "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(name)",
            "-keyout", key, "-out", request,
        ])
        _ = try Shell.run([
            "openssl", "x509", "-req", "-in", request, "-CA", authority.certificate, "-CAkey", authority.key, "-CAcreateserial",
            "-days", "2", "-extfile", extensions, "-out", certificate,
        ])
        return (certificate, key)
    }

    /// A bcrypt hash of `password` as `htpasswd -nbB` writes it (`$2y$`). Neither htpasswd nor
    /// Python's bcrypt is on every test machine, so Hummingbird's bcrypt makes it when htpasswd
    /// is missing; `$2y$` and its `$2b$` are the same algorithm.
    static func bcrypt(_ password: String, user: String = "prometheus") throws -> String {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") {
            let line = try Shell.run(["/usr/bin/htpasswd", "-nbB", "-C", "4", user, password])
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return "$2y" + Bcrypt.hash(password, cost: 4).dropFirst(3)
    }
}
