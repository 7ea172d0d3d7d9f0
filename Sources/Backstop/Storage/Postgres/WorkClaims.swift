import Logging
import PostgresNIO

/// Leases on shared work, so that among several replicas exactly one does each item (an
/// (asset, window) verification, a restore test, an outbox delivery). A claim is a row of
/// `work_claims`: `INSERT … ON CONFLICT` grants it when the key is free or its lease expired,
/// atomically, so two replicas racing for a key cannot both win. Leases are timed by the
/// database's clock, so clock skew between replica hosts does not matter. A replica that dies
/// stops renewing; its keys go to whoever claims them after the lease.
package struct WorkClaims: Sendable {
    static let ddl = """
        CREATE TABLE work_claims (
            key TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            claimed_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL
        )
        """

    let connection: PostgresConnection
    /// Who claims: a replica's identity, e.g. host name and process id.
    package let holder: String
    let logger: Logger

    package init(connection: PostgresConnection, holder: String, logger: Logger) {
        self.connection = connection
        self.holder = holder
        self.logger = logger
    }

    /// Claims `key` for `lease`; true when granted (free, expired, or already this holder's,
    /// which then renews it).
    package func claim(_ key: String, lease: Duration) async throws(PostgresStoreError) -> Bool {
        try await granted(
            """
            INSERT INTO work_claims AS claim (key, holder, claimed_at, expires_at)
            VALUES (\(key), \(holder), clock_timestamp(), clock_timestamp() + make_interval(secs => \(Self.seconds(lease))))
            ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
            WHERE claim.expires_at <= clock_timestamp() OR claim.holder = excluded.holder
            RETURNING key
            """, doing: "claiming \(key)")
    }

    /// Extends a lease this holder still has; false when it expired and was lost (stop the work
    /// unless it can be abandoned safely, another replica may have taken it).
    package func renew(_ key: String, lease: Duration) async throws(PostgresStoreError) -> Bool {
        try await granted(
            """
            UPDATE work_claims SET expires_at = clock_timestamp() + make_interval(secs => \(Self.seconds(lease)))
            WHERE key = \(key) AND holder = \(holder) AND expires_at > clock_timestamp()
            RETURNING key
            """, doing: "renewing \(key)")
    }

    /// Gives up a claim (the work is done, or handed back); false when this holder had none.
    @discardableResult
    package func release(_ key: String) async throws(PostgresStoreError) -> Bool {
        try await granted("DELETE FROM work_claims WHERE key = \(key) AND holder = \(holder) RETURNING key", doing: "releasing \(key)")
    }

    /// The keys this holder holds with a lease not yet expired.
    package func held() async throws(PostgresStoreError) -> Set<String> {
        do {
            var keys: Set<String> = []
            let rows = try await connection.query(
                "SELECT key FROM work_claims WHERE holder = \(holder) AND expires_at > clock_timestamp()", logger: logger)
            for try await key in rows.decode(String.self) { keys.insert(PostgresExactText.text(key)) }
            return keys
        } catch {
            throw PostgresStoreError("listing the claims of \(holder)", underlying: error)
        }
    }

    private func granted(_ query: PostgresQuery, doing: String) async throws(PostgresStoreError) -> Bool {
        do {
            let rows = try await connection.query(query, logger: logger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count == 1
        } catch {
            throw PostgresStoreError("\(doing) for \(holder)", underlying: error)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
