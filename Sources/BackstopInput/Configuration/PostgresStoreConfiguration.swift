import Foundation

/// `storage.postgres:`: the PostgreSQL database several Backstop replicas share. The password
/// comes only from `password_file` or `password_env` (the parser refuses one inside the URL), so
/// this value's description, which logs and `check-config` print, never holds it.
package struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    package var database: String
    package var sslMode: PostgresSSLMode
    /// `sslrootcert=`: PEM file of the certificate authorities trusted for verify-ca/verify-full;
    /// nil trusts the system's store.
    package var sslRootCertificate: String?
    package var password: Secret
    /// `buffer:`: the local SQLite file that takes the intake's writes while PostgreSQL is down (``StoreBuffer``).
    package var buffer: String?
    /// `lease:`: how long a replica's claim on a piece of work lasts without renewal, so how long
    /// a dead replica's work waits before another takes it. Renewed every third of it.
    package var lease: Duration = .seconds(30)

    package init(
        host: String, port: Int = 5432, user: String, database: String, sslMode: PostgresSSLMode = .prefer,
        sslRootCertificate: String? = nil, password: Secret, buffer: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.sslMode = sslMode
        self.sslRootCertificate = sslRootCertificate
        self.password = password
        self.buffer = buffer
    }

    /// The URL without any secret, e.g. `postgres://backstop@db.internal:5432/backstop?sslmode=verify-full`.
    package var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostPart):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}

/// libpq's `sslmode` values, with libpq's meaning (see docs/CONFIGURATION.md).
package enum PostgresSSLMode: String, Sendable, CaseIterable {
    case disable
    case allow
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
}
