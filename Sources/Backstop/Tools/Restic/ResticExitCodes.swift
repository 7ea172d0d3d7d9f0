/// restic's exit codes as documented for the installed versions: 0.14 (Debian 12) knows only
/// 0, 1 (fatal) and 3 (backup incomplete); 0.17 added 10 (no repository), 11 (lock) and 12
/// (wrong password), which name the cause even when stderr is cut. 130 is an interrupt.
enum ResticExitCodes {
    static func meaning(_ code: Int32) -> String? {
        switch code {
        case 1: "restic: fatal error, the command did not complete"
        case 3: "restic: snapshot incomplete, some source files could not be read"
        case 10: "restic: repository does not exist"
        case 11: "restic: failed to lock repository"
        case 12: "restic: wrong password"
        case 130: "restic: interrupted"
        default: nil
        }
    }
}
