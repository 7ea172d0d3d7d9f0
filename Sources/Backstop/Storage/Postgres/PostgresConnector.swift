import Logging
import NIOSSL
import PostgresNIO

/// Opens connections to the `storage.postgres` database with postgres-nio, the SSWG driver.
/// The password goes to the driver only; errors and logs name the URL without it.
package struct PostgresConnector: Sendable {
    package let store: PostgresStoreConfiguration

    package init(_ store: PostgresStoreConfiguration) {
        self.store = store
    }

    package func connect(logger: Logger, id: Int = 1) async throws(PostgresStoreError) -> PostgresConnection {
        let configuration = try connectionConfiguration()
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        } catch {
            throw PostgresStoreError("connecting to \(store)", underlying: error)
        }
    }

    /// Runs `body` on a new connection and closes it, whether `body` succeeds or not.
    package func withConnection<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws(PostgresStoreError) -> Result
    ) async throws(PostgresStoreError) -> Result {
        let connection = try await connect(logger: logger)
        do throws(PostgresStoreError) {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func connectionConfiguration() throws(PostgresStoreError) -> PostgresConnection.Configuration {
        guard store.password.isAvailable else {
            throw PostgresStoreError("storage.postgres: the password could not be read; check password_file or password_env")
        }
        return PostgresConnection.Configuration(
            host: store.host, port: store.port, username: store.user, password: store.password.value, database: store.database,
            tls: try tls())
    }

    /// The same settings for a pool of connections (``PostgresStore``).
    package func clientConfiguration() throws(PostgresStoreError) -> PostgresClient.Configuration {
        guard store.password.isAvailable else {
            throw PostgresStoreError("storage.postgres: the password could not be read; check password_file or password_env")
        }
        let tls: PostgresClient.Configuration.TLS
        if let configuration = tlsConfiguration() {
            tls = store.sslMode == .allow || store.sslMode == .prefer ? .prefer(configuration) : .require(configuration)
        } else {
            tls = .disable
        }
        return PostgresClient.Configuration(
            host: store.host, port: store.port, username: store.user, password: store.password.value, database: store.database, tls: tls)
    }

    /// libpq's sslmode on postgres-nio: `allow` and `prefer` both try TLS first without checking
    /// the certificate, `require` insists on TLS, `verify-ca` checks the chain, `verify-full`
    /// the chain and the host name. Nil for `disable`.
    private func tlsConfiguration() -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch store.sslMode {
        case .disable: return nil
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let file = store.sslRootCertificate { tls.trustRoots = .file(file) }
        return tls
    }

    private func tls() throws(PostgresStoreError) -> PostgresConnection.Configuration.TLS {
        guard let configuration = tlsConfiguration() else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw PostgresStoreError("storage.postgres: cannot set up TLS (sslrootcert \(store.sslRootCertificate ?? "none")): \(error)")
        }
        return store.sslMode == .allow || store.sslMode == .prefer ? .prefer(context) : .require(context)
    }
}
