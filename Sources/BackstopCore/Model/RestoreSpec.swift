/// How a sampled artifact is restored into scratch space and validated.
///
/// `{artifact}` and `{scratch}` are substituted inside each argument; no shell is involved.
package struct RestoreSpec: Sendable, Equatable {
    package var command: [String]
    package var validate: [String]?
    package var timeout: Duration
    /// Restore into a throwaway PostgreSQL cluster and validate with SQL instead of `command`.
    package var postgres: PostgresRestoreSpec?

    package init(command: [String], validate: [String]? = nil, timeout: Duration = .seconds(600)) {
        self.command = command
        self.validate = validate
        self.timeout = timeout
    }
}
