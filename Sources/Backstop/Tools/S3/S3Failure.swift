import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// An S3 error answer or a transport failure, worded so that the user knows what to fix and the
/// diagnosis rules (DiagnosisRules) recognise the cause: the evidence keeps the HTTP status and
/// S3's error code as the store sent them (`HTTP 403 Forbidden, S3 error SignatureDoesNotMatch`),
/// never the request's headers, key or signature.
package struct S3Failure: Sendable {
    var what: String
    var status: HTTPResponseStatus
    var code: String?
    var message: String?

    var isNoSuchKey: Bool { status.code == 404 && (code == nil || code == "NoSuchKey") }

    /// Reads the error body (S3's `<Error>` XML, when there is one). `fallbackStatus` is the
    /// status of the call this one stands in for (a HEAD asked again as a GET).
    static func read(
        _ response: HTTPClientResponse, what: String, limit: Int, fallbackStatus: HTTPResponseStatus? = nil
    ) async -> S3Failure {
        let body = try? await response.body.collect(upTo: limit)
        let parsed = body.flatMap { S3XML.error(Data(buffer: $0)) }
        // The stand-in GET succeeded (or the range did not fit) where the HEAD failed: report the HEAD.
        if let fallbackStatus, parsed == nil || [200, 206, 416].contains(response.status.code) {
            return S3Failure(what: what, status: fallbackStatus, code: nil, message: nil)
        }
        return S3Failure(what: what, status: response.status, code: parsed?.code, message: parsed?.message)
    }

    /// The error for an answer with `status` and `body`, as a call naming `what` reports it.
    package static func error(status: Int, body: Data, what: String, bucket: String = "backups") -> S3Error {
        let parsed = S3XML.error(body)
        return S3Failure(what: what, status: HTTPResponseStatus(statusCode: status), code: parsed?.code, message: parsed?.message)
            .error(bucket: bucket, accessKey: nil)
    }

    /// The failure as an error naming what to fix, with the store's answer as evidence.
    func error(bucket: String, accessKey: String?) -> S3Error {
        var evidence = "\(what): HTTP \(status.code) \(status.reasonPhrase)"
        if let code { evidence += ", S3 error \(code)" }
        if let message, !message.isEmpty { evidence += ": \(message)" }
        let key = accessKey.map { " \($0)" } ?? ""
        let advice: String
        switch (code, status.code) {
        case ("AccessDenied", _), ("AllAccessDisabled", _):
            advice =
                "S3 denied access (\(code ?? "AccessDenied")): allow the access key\(key) s3:GetObject and s3:ListBucket on bucket '\(bucket)'"
        case (nil, 403):
            advice = "S3 refused the request (HTTP 403 Forbidden): check the credentials and the key's permissions on bucket '\(bucket)'"
        case ("SignatureDoesNotMatch", _):
            advice =
                "S3 rejected the request signature (SignatureDoesNotMatch): the secret key does not belong to access key\(key); check secret_access_key_file or AWS_SECRET_ACCESS_KEY"
        case ("InvalidAccessKeyId", _):
            advice = "S3 does not know the access key\(key) (InvalidAccessKeyId): check access_key_id_file or AWS_ACCESS_KEY_ID"
        case ("ExpiredToken", _), ("TokenRefreshRequired", _):
            advice = "the session token has expired (\(code ?? "ExpiredToken")): renew the temporary credentials (AWS_SESSION_TOKEN)"
        case ("InvalidToken", _):
            advice = "S3 rejected the session token (InvalidToken): check AWS_SESSION_TOKEN"
        case ("NoSuchBucket", _):
            advice = "bucket '\(bucket)' does not exist at this endpoint (NoSuchBucket): check bucket, endpoint and region"
        case ("PermanentRedirect", _), ("AuthorizationHeaderMalformed", _), ("IllegalLocationConstraintException", _):
            advice = "bucket '\(bucket)' is in another region (\(code ?? "redirect")): set region to the bucket's region"
        case (_, 301), (_, 307):
            advice = "the endpoint redirected the request (HTTP \(status.code)): set region to the bucket's region, or the endpoint"
        case (_, 500...599):
            advice =
                "the S3 endpoint failed the request (HTTP \(status.code), service unavailable); check the S3 service, or try again later"
        default:
            advice = "S3 answered HTTP \(status.code)\(code.map { " \($0)" } ?? "")"
        }
        return S3Error(advice, evidence: evidence, status: Int(status.code), code: code)
    }

    /// A failure to reach the endpoint or to finish a transfer in time.
    static func transport(_ error: any Error, what: String, endpoint: String, deadline: Duration) -> S3Error {
        let seconds = Int(deadline.seconds.rounded(.up))
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return S3Error(
                    "\(what) timed out: \(endpoint) did not answer within \(seconds)s",
                    evidence: "\(what): timed out after \(seconds)s waiting for \(endpoint)")
            case .connectTimeout:
                return S3Error(
                    "could not connect to \(endpoint): connect timed out", evidence: "\(what): connect to \(endpoint) timed out")
            case .remoteConnectionClosed:
                return S3Error(
                    "\(endpoint) closed the connection during \(what): connection closed",
                    evidence: "\(what): connection closed by \(endpoint)")
            default:
                break
            }
        }
        let detail = reason(error)
        return S3Error(
            "could not reach the S3 endpoint \(endpoint): \(detail); check endpoint (and that the S3 service is running)",
            evidence: "\(what): \(detail)")
    }

    /// Words the diagnosis rules know for the usual socket errors.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "could not resolve host \(error.host)"
            }
            if let first = error.connectionErrors.first { return reason(first.error) }
        }
        if let error = error as? IOError { return errnoText(error.errnoCode) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        let text = String(describing: error)
        if text.contains("ECONNREFUSED") || text.lowercased().contains("connection refused") { return "connection refused" }
        return text
    }

    private static func errnoText(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused (ECONNREFUSED)"
        case ETIMEDOUT: "connection timed out (ETIMEDOUT)"
        case EHOSTUNREACH: "no route to host (EHOSTUNREACH)"
        case ENETUNREACH: "network is unreachable (ENETUNREACH)"
        case ECONNRESET: "connection reset by peer (ECONNRESET)"
        default: String(cString: strerror(code))
        }
    }
}
