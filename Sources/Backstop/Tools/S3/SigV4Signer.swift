import Crypto
import Foundation

/// AWS Signature Version 4 for requests sent in the `Authorization` header.
///
/// Ours, on swift-crypto's HMAC<SHA256> and SHA256, because no S3 SDK or SigV4 package is on
/// our package mirror (Soto is not) and Backstop needs only list, HEAD and GET. Tested against
/// AWS's published SigV4 test-suite vectors and the S3 documentation's examples
/// (`SigV4SignerTests`).
package enum SigV4Signer {
    /// SHA-256 of an empty body, the payload hash of every GET and HEAD.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// One request as it is signed: the path and query unencoded (they are encoded here, once,
    /// as S3 expects), the headers that are to be signed besides `host` and `x-amz-date`.
    package struct Request: Sendable {
        package var method: String
        /// `example.com`, or `127.0.0.1:9000` when the port is not the scheme's default.
        package var host: String
        /// `/bucket/key with spaces`, not yet percent-encoded.
        package var path: String
        /// Query parameters, not yet percent-encoded.
        package var query: [(name: String, value: String)]
        package var headers: [(name: String, value: String)]
        /// Lower-case hex SHA-256 of the body.
        package var payloadHash: String

        package init(
            method: String, host: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)] = [], payloadHash: String = SigV4Signer.emptyPayloadHash
        ) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }

        /// The path as sent and signed: each segment percent-encoded, slashes kept.
        package var encodedPath: String { SigV4Signer.encode(path, keepingSlashes: true) }

        /// The query as sent and signed: encoded names and values, sorted.
        package var encodedQuery: String {
            let pairs: [(name: String, value: String)] = query.map { (SigV4Signer.encode($0.name), SigV4Signer.encode($0.value)) }
            let sorted = pairs.sorted { (left, right) -> Bool in
                left.name == right.name ? left.value < right.value : left.name < right.name
            }
            return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
    }

    /// The headers to add to the request: `x-amz-date`, `x-amz-security-token` for temporary
    /// credentials, and `authorization`.
    package static func sign(
        _ request: Request, credentials: S3Credentials, region: String, service: String, date: Date
    ) -> [(name: String, value: String)] {
        let stamp = timestamp(date)
        let day = String(stamp.prefix(8))
        var signedRequest = request
        signedRequest.headers.append(("host", request.host))
        signedRequest.headers.append(("x-amz-date", stamp))
        var added = [(name: "x-amz-date", value: stamp)]
        if let token = credentials.sessionToken {
            signedRequest.headers.append(("x-amz-security-token", token))
            added.append(("x-amz-security-token", token))
        }
        let (canonical, signedHeaders) = canonicalRequest(signedRequest)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256Hex(Data(canonical.utf8))].joined(separator: "\n")
        let key = signingKey(secret: credentials.secretAccessKey, day: day, region: region, service: service)
        let signature = Data(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key)).hexString
        added.append(
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return added
    }

    /// The canonical request and the `SignedHeaders` list, as the SigV4 specification defines them.
    package static func canonicalRequest(_ request: Request) -> (text: String, signedHeaders: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in request.headers {
            merged[name.lowercased(), default: []].append(trimmed(value))
        }
        let names = merged.keys.sorted()
        let headerLines = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method, request.encodedPath, request.encodedQuery, headerLines, signedHeaders, request.payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// `AWS4` + secret, then HMAC over the day, region, service and `aws4_request`.
    static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// Percent-encodes every byte except the unreserved `A-Z a-z 0-9 - . _ ~` (and `/` in paths).
    package static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlashes:
                output.append("/")
            default:
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }

    /// `20150830T123600Z`: the request time in UTC.
    package static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0)
    }

    package static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).hexString
    }

    /// Leading and trailing spaces removed, inner runs of spaces collapsed to one.
    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// An access key as read when a request is signed. Its description never shows the secret.
package struct S3Credentials: Sendable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    package var description: String { "access key \(accessKeyID) (secret not shown)" }
}
