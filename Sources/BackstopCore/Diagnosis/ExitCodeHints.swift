/// What a tool's exit status says on its own, used when no output line decides.
/// Only documented codes that name a cause: the shell's 126/127, GNU timeout's 124, rsync(1)'s
/// EXIT VALUES, restic's documented codes (≥ 0.17) and pgBackRest's error codes. rsync's 12
/// ("error in rsync protocol data stream") is left out: it follows any remote failure.
package enum ExitCodeHints {
    package static func hint(tool: String?, exitCode: Int) -> (cause: FailureCause, meaning: String)? {
        switch (tool?.lowercased(), exitCode) {
        case ("restic", 10): return (.targetDown, "restic: repository does not exist")
        case ("restic", 11): return (.lockWait, "restic: failed to lock repository")
        case ("restic", 12): return (.expiredCredentials, "restic: wrong password")
        case ("rsync", 5): return (.targetDown, "rsync: error starting client-server protocol")
        case ("rsync", 10): return (.targetDown, "rsync: error in socket I/O")
        case ("rsync", 30): return (.networkTimeout, "rsync: timeout in data send/receive")
        case ("rsync", 35): return (.networkTimeout, "rsync: timeout waiting for daemon connection")
        case ("pgbackrest", 50): return (.lockWait, "pgBackRest: LockAcquireError")
        case (_, 124): return (.networkTimeout, "killed by timeout(1)")
        case (_, 126): return (.permissionDenied, "command found but not executable")
        case (_, 127): return (.missingDependency, "command not found")
        default: return nil
        }
    }
}
