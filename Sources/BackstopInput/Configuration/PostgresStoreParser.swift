import Foundation
import Yams

/// Parses `storage.postgres: { url, password_file | password_env, buffer, lease }`. Problems name the
/// key and line; the URL is echoed only once it is known to hold no password.
struct PostgresStoreParser {
    let reader: ConfigReader
    let baseDirectory: String

    static let example = "postgres://backstop@db.internal:5432/backstop?sslmode=verify-full"

    func parse(_ node: Node) -> PostgresStoreConfiguration? {
        let path = "storage.postgres"
        guard let fields = reader.mapping(node, path, allowed: ["url", "password_file", "password_env", "buffer", "lease"]) else {
            return nil
        }
        let password = reader.secret(fields, "password", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        let buffer = reader.nonEmptyString(fields["buffer"], "\(path).buffer").map { PathResolver.resolve($0, against: baseDirectory) }
        let lease = reader.duration(fields["lease"], "\(path).lease")
        guard let urlNode = reader.require(fields["url"], in: node, "\(path).url", "the database URL, e.g. \(Self.example)"),
            let text = reader.nonEmptyString(urlNode, "\(path).url")
        else { return nil }
        switch PostgresURL.parse(text) {
        case .failure(let problem):
            reader.report(urlNode, "\(path).url", problem.description)
            return nil
        case .success(let url):
            guard let password else { return nil }
            let rootCertificate = url.sslRootCertificate.map { PathResolver.resolve($0, against: baseDirectory) }
            var configuration = PostgresStoreConfiguration(
                host: url.host, port: url.port, user: url.user, database: url.database, sslMode: url.sslMode,
                sslRootCertificate: rootCertificate, password: password, buffer: buffer)
            if let lease { configuration.lease = lease }
            return configuration
        }
    }
}

/// The parts of a `postgres://USER@HOST:PORT/DATABASE?sslmode=…` URL Backstop uses.
struct PostgresURL: Equatable {
    var host: String
    var port: Int
    var user: String
    var database: String
    var sslMode: PostgresSSLMode
    var sslRootCertificate: String?

    /// Why a URL was refused; never quotes the URL, which may hold a password.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) -> Result<PostgresURL, Problem> {
        // Foundation's URL parser (RFC 3986) splits the URL; only the checks are Backstop's.
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased()
        else {
            return .failure(Problem(description: "is not a URL; write it like \(PostgresStoreParser.example)"))
        }
        if components.password != nil {
            return .failure(
                Problem(
                    description:
                        "holds a password; remove it from the URL (which is logged and shown) and put it in password_file (or password_env)"
                ))
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            return .failure(
                Problem(description: "scheme '\(scheme)' is not postgres:// or postgresql://; e.g. \(PostgresStoreParser.example)"))
        }
        guard let host = components.host, !host.isEmpty else {
            return .failure(Problem(description: "names no host; e.g. \(PostgresStoreParser.example)"))
        }
        guard let user = components.user, !user.isEmpty else {
            return .failure(Problem(description: "names no user; write USER@ before the host, e.g. \(PostgresStoreParser.example)"))
        }
        if let port = components.port, !(1...65_535).contains(port) {
            return .failure(Problem(description: "port \(port) is not between 1 and 65535"))
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(Problem(description: "names no database; end the path with /DATABASE, e.g. \(PostgresStoreParser.example)"))
        }
        var url = PostgresURL(
            host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: components.port ?? 5432, user: user,
            database: database, sslMode: .prefer)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(PostgresSSLMode.init(rawValue:)) else {
                    return .failure(
                        Problem(
                            description:
                                "sslmode '\(item.value ?? "")' is not one of \(PostgresSSLMode.allCases.map(\.rawValue).joined(separator: ", "))"
                        ))
                }
                url.sslMode = mode
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else {
                    return .failure(Problem(description: "sslrootcert is empty; name a PEM file of trusted certificate authorities"))
                }
                url.sslRootCertificate = file
            default:
                return .failure(Problem(description: "parameter '\(item.name)' is not supported; use sslmode and sslrootcert"))
            }
        }
        return .success(url)
    }
}
