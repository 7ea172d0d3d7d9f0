/// A `postgres://` URL given on the command line (`backstop migrate-store --to postgres:URL`)
/// rather than in `storage.postgres`: the same parser and checks, the password read apart.
extension PostgresStoreConfiguration {
    /// Why a URL was refused; never quotes the URL, which may hold a password.
    package struct URLError: Error, CustomStringConvertible {
        package var description: String
    }

    package static func parse(url text: String, password: Secret) throws(URLError) -> PostgresStoreConfiguration {
        switch PostgresURL.parse(text) {
        case .failure(let problem):
            throw URLError(description: problem.description)
        case .success(let url):
            return PostgresStoreConfiguration(
                host: url.host, port: url.port, user: url.user, database: url.database, sslMode: url.sslMode,
                sslRootCertificate: url.sslRootCertificate, password: password)
        }
    }
}
