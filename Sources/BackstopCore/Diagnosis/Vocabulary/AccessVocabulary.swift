/// Authentication (credentials that do not work) and authorisation (permissions). Sources:
/// errno(3) (EACCES 13, EPERM 1, EROFS 30), Windows ERROR_ACCESS_DENIED ("Access is denied."),
/// PostgreSQL errcodes.txt (28P01, 28000, 42501) and libpq's messages, MySQL client/server errors
/// (1044, 1045, 1142, 1227), restic's and borg's wrong-password messages, OpenSSH, the S3/GCS/Azure/
/// EC2 error-code lists, RFC 9110 statuses 401/403.
extension DiagnosisRules {
    static let access: [Row] = [
        (
            "credentials-expired", .expiredCredentials, .specific,
            #"ExpiredToken|token (has |is )?expired|expired[ _](auth[ _])?token|TokenExpired|RequestExpired|certificate (has )?expired|certificate is not yet valid|key (has )?expired|password (has )?expired|credentials? (have |has )?expired|session expired|invalid_grant|refresh token|AADSTS\d+"#
        ),
        (
            "credentials-rejected", .expiredCredentials, .specific,
            #"InvalidAccessKeyId|Access Key Id you provided does not exist|SignatureDoesNotMatch|InvalidClientTokenId|UnrecognizedClientException|AuthenticationFailed|InvalidAuthenticationInfo|bad_auth_token|password authentication failed|authentication failed|Access denied for user .*using password|wrong password|no key found|incorrect password|invalid credentials|no supported authentication methods|Too many authentication failures|Login failed|oauth2: cannot fetch token|could not find default credentials|NoCredentialProviders|Unable to locate credentials|no credentials found|passphrase[^\n]{0,80}(is )?incorrect|no password supplied|Anonymous caller does not have|signature we calculated does not match|SQLSTATE[ \[]*28(P01|000)|\b(ERROR|error:?) 1045\b"#
        ),
        ("credentials-http", .expiredCredentials, .generic, #"\bunauthori[sz]ed\b|\#(status(401))"#),
        (
            "permission-denied", .permissionDenied, .specific,
            #"permission denied|\bEACCES\b|\[?errno[ =:\]]*13\b|\[13\] permission|operation not permitted|\bEPERM\b|access is denied|AccessDenied|access denied|AuthorizationFailure|AuthorizationPermissionMismatch|AuthorizationPermissionDenied|UnauthorizedOperation|AllAccessDisabled|Operation forbidden|must be (the )?owner of|insufficient privileges?|not authori[sz]ed to|read-only file system|\bEROFS\b|does not have [\w.]+ access|does not have (storage\.objects|permission)|Permission '[\w.]+' denied|must be superuser|replication role|Bad owner or permissions|SQLSTATE[ \[]*42501|\b(ERROR|error:?) (1044|1142|1227)\b"#
        ),
        ("permission-http", .permissionDenied, .generic, #"forbidden|\#(status(403))"#),
    ]
}
