import Foundation
import Yams

#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import NIOSSL
#endif

/// Reads a Prometheus exporter-toolkit web configuration file (docs/CONFIGURATION.md,
/// `--web.config.file`). Every problem names the file, line and key; the toolkit's settings
/// Backstop does not implement are refused by name rather than silently ignored.
package enum WebConfigurationLoader {
    package static func load(path: String) throws(ConfigurationError) -> WebConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(
                file: path,
                problems: [
                    .init(line: nil, column: nil, keyPath: "", message: "cannot read the web configuration: \(error.localizedDescription)")
                ])
        }
        let text = try ConfigurationLoader.decodeUTF8(data, file: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: directory)
    }

    package static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigurationError) -> WebConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(
                file: file, problems: [.init(line: nil, column: nil, keyPath: "", message: "not valid YAML: \(error)")])
        }
        let reader = ConfigReader(file: file)
        let configuration = WebConfigurationParser(reader: reader, baseDirectory: baseDirectory).parse(root)
        guard reader.problems.isEmpty else { throw ConfigurationError(file: file, problems: reader.problems) }
        return configuration
    }
}

struct WebConfigurationParser {
    let reader: ConfigReader
    let baseDirectory: String

    static let topLevelKeys = ["tls_server_config", "basic_auth_users"]
    static let unsupportedTopLevelKeys = ["http_server_config", "rate_limit"]
    static let tlsKeys = ["cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version"]
    static let unsupportedTLSKeys = [
        "cert", "key", "client_ca", "client_allowed_sans", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
    ]

    /// An empty file is valid, as for the exporter toolkit: plain HTTP, no basic auth.
    func parse(_ root: Node?) -> WebConfiguration {
        var configuration = WebConfiguration()
        guard let root else { return configuration }
        guard let top = supportedMapping(root, "", allowed: Self.topLevelKeys, unsupported: Self.unsupportedTopLevelKeys) else {
            return configuration
        }
        if let node = top["tls_server_config"] { configuration.tls = parseTLS(node) }
        if let node = top["basic_auth_users"] { configuration.basicAuthUsers = parseUsers(node) }
        return configuration
    }

    /// `reader.mapping`, with the exporter toolkit's settings that Backstop lacks refused by name.
    private func supportedMapping(_ node: Node, _ path: String, allowed: [String], unsupported: [String]) -> [String: Node]? {
        guard let fields = reader.mapping(node, path, allowed: allowed + unsupported) else { return nil }
        for key in unsupported.sorted() where fields[key] != nil {
            reader.report(
                fields[key], path.isEmpty ? key : "\(path).\(key)",
                "is an exporter-toolkit setting Backstop does not support; remove it (supported: \(allowed.joined(separator: ", ")))")
        }
        return fields.filter { allowed.contains($0.key) }
    }

    #if FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
        /// The fuzz build has no swift-nio-ssl to read certificates with (fuzzed inputs name files
        /// under a directory that does not exist anyway).
        private func parseTLS(_ node: Node) -> WebTLS? {
            reader.report(node, "tls_server_config", "is not read by the fuzz build, which has no swift-nio-ssl")
            return nil
        }
    #else
        private func parseTLS(_ node: Node) -> WebTLS? {
            let path = "tls_server_config"
            guard let fields = supportedMapping(node, path, allowed: Self.tlsKeys, unsupported: Self.unsupportedTLSKeys) else { return nil }
            let certificates = readPEM(
                reader.require(fields["cert_file"], in: node, "\(path).cert_file", "the server certificate (PEM)"), "\(path).cert_file"
            ) { try NIOSSLCertificate.fromPEMFile($0) }
            let key = readPEM(
                reader.require(fields["key_file"], in: node, "\(path).key_file", "the server certificate's private key (PEM)"),
                "\(path).key_file"
            ) { [try NIOSSLPrivateKey(file: $0, format: .pem)] }
            let clientAuth = fields["client_auth_type"].flatMap { parseClientAuth($0, "\(path).client_auth_type") }
            let clientCAs = readPEM(fields["client_ca_file"], "\(path).client_ca_file") { try NIOSSLCertificate.fromPEMFile($0) }
            let minVersion = reader.oneOf(fields["min_version"], "\(path).min_version", WebTLS.Version.self)
            let maxVersion = reader.oneOf(fields["max_version"], "\(path).max_version", WebTLS.Version.self)
            guard let certificates, let key = key?.first else { return nil }
            var tls = WebTLS(certificateChain: certificates, privateKey: key)
            if let clientAuth { tls.clientAuth = clientAuth }
            if let clientCAs { tls.clientCAs = clientCAs }
            if let minVersion { tls.minVersion = minVersion }
            if let maxVersion { tls.maxVersion = maxVersion }
            if let minVersion, let maxVersion, minVersion.rawValue > maxVersion.rawValue {
                reader.report(fields["max_version"], "\(path).max_version", "is older than min_version \(minVersion.rawValue)")
            }
            if tls.clientAuth != .none, fields["client_ca_file"] == nil {
                reader.report(
                    fields["client_auth_type"], "\(path).client_ca_file",
                    "is required with client_auth_type \(tls.clientAuth.rawValue): the CA certificates (PEM) clients' certificates must chain to"
                )
            } else if fields["client_ca_file"] != nil, fields["client_auth_type"] == nil || clientAuth == WebTLS.ClientAuth.none {
                reader.report(
                    fields["client_ca_file"], "\(path).client_ca_file",
                    "is unused while client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert")
            }
            do {
                _ = try NIOSSLContext(configuration: tls.serverConfiguration)
            } catch {
                reader.report(
                    fields["key_file"] ?? node, "\(path).key_file",
                    "the key and certificate cannot serve TLS together (\(error)); check that key_file is cert_file's private key")
                return nil
            }
            return tls
        }
    #endif

    private func parseClientAuth(_ node: Node, _ path: String) -> WebTLS.ClientAuth? {
        guard let text = reader.string(node, path) else { return nil }
        if let value = WebTLS.ClientAuth(rawValue: text) { return value }
        let refused = ["RequestClientCert", "RequireAnyClientCert"].contains(text)
        reader.report(
            node, path,
            refused
                ? "'\(text)' accepts client certificates without verifying them, so Backstop refuses it; use RequireAndVerifyClientCert"
                : "'\(text)' is not one of \(WebTLS.ClientAuth.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// Reads a PEM file named by `node` (relative to the web configuration's directory).
    private func readPEM<Value>(_ node: Node?, _ path: String, _ read: (String) throws -> [Value]) -> [Value]? {
        guard let node, let file = reader.nonEmptyString(node, path) else { return nil }
        let resolved = PathResolver.resolve(file, against: baseDirectory)
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            reader.report(node, path, "cannot read '\(resolved)'; check that it exists and that Backstop's user may read it")
            return nil
        }
        // swift-nio-ssl's errors name the file at most, never its contents.
        guard let values = try? read(resolved), !values.isEmpty else {
            reader.report(node, path, "'\(resolved)' holds no PEM \(path.hasSuffix("key_file") ? "private key" : "certificate")")
            return nil
        }
        return values
    }

    private func parseUsers(_ node: Node) -> [String: String] {
        var users: [String: String] = [:]
        for (name, value, keyNode) in reader.namedMapping(node, "basic_auth_users") ?? [] {
            let path = "basic_auth_users.\(name)"
            if name.contains(":") {
                reader.report(keyNode, path, "user names cannot contain ':', which basic auth uses to end the name")
                continue
            }
            guard let hash = reader.nonEmptyString(value, path) else { continue }
            guard let normalized = Self.bcryptHash(hash) else {
                reader.report(
                    value, path,
                    #"is not a bcrypt hash ($2y$, $2b$ or $2a$, cost 04–31, 60 characters); make one with `htpasswd -nBC 10 "" | tr -d ':\n'`"#
                )
                continue
            }
            users[name] = normalized
        }
        return users
    }

    /// The hash with `$2y$` (htpasswd's prefix, the same algorithm as `$2b$`) written as `$2b$`,
    /// which OpenBSD's bcrypt verifies; nil when it is not a bcrypt hash.
    static func bcryptHash(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count == 60, text.hasPrefix("$2"), characters[3] == "$", characters[6] == "$",
            let cost = Int(String(characters[4...5])), (4...31).contains(cost)
        else { return nil }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        guard characters[7...].allSatisfy({ alphabet.contains($0) }) else { return nil }
        switch characters[2] {
        case "a", "b": return text
        case "y": return "$2b" + text.dropFirst(3)
        default: return nil
        }
    }
}
