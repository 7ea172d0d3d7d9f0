import Backstop
import Foundation
import Testing

/// The signer against AWS's published vectors: the SigV4 test suite (aws-sig-v4-test-suite,
/// service `service`, us-east-1, 2015-08-30T12:36:00Z) and the S3 API reference's examples
/// ("Signature Calculations for the Authorization Header": GET Object with a Range header, and
/// GET Bucket listing objects), each with the signature AWS documents.
@Suite struct S3SigV4SignerTests {
    static let suiteKey = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let s3Key = S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var request: SigV4Signer.Request
        var signedHeaders: String
        var signature: String
        var testDescription: String { name }
    }

    static let suite: [Vector] = [
        Vector(
            name: "get-vanilla", request: .init(method: "GET", host: "example.amazonaws.com", path: "/"),
            signedHeaders: "host;x-amz-date", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "get-vanilla-query-order-key-case",
            request: .init(
                method: "GET", host: "example.amazonaws.com", path: "/", query: [("Param2", "value2"), ("Param1", "value1")]),
            signedHeaders: "host;x-amz-date", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(
            name: "get-utf8", request: .init(method: "GET", host: "example.amazonaws.com", path: "/ሴ"),
            signedHeaders: "host;x-amz-date", signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Vector(
            name: "post-vanilla", request: .init(method: "POST", host: "example.amazonaws.com", path: "/"),
            signedHeaders: "host;x-amz-date", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "post-x-www-form-urlencoded",
            request: .init(
                method: "POST", host: "example.amazonaws.com", path: "/",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                payloadHash: SigV4Signer.sha256Hex(Data("Param1=value1".utf8))),
            signedHeaders: "content-type;host;x-amz-date",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    ]

    @Test(arguments: suite) func theTestSuiteVectorsGiveThePublishedSignatures(vector: Vector) {
        let headers = SigV4Signer.sign(
            vector.request, credentials: Self.suiteKey, region: "us-east-1", service: "service", date: Self.suiteDate)
        let authorization = headers.first { $0.name == "authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
        #expect(headers.first { $0.name == "x-amz-date" }?.value == "20150830T123600Z")
    }

    @Test func theCanonicalRequestSortsTheQueryAndLowerCasesHeaders() {
        var request = SigV4Signer.Request(
            method: "GET", host: "example.amazonaws.com", path: "/", query: [("Param2", "value2"), ("Param1", "value1")])
        request.headers = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]
        let canonical = SigV4Signer.canonicalRequest(request)
        #expect(
            canonical.text == """
                GET
                /
                Param1=value1&Param2=value2
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
    }

    @Test func theS3GetObjectExampleGivesTheDocumentedSignature() {
        let request = SigV4Signer.Request(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt",
            headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)])
        let headers = SigV4Signer.sign(request, credentials: Self.s3Key, region: "us-east-1", service: "s3", date: Self.s3Date)
        #expect(
            headers.first { $0.name == "authorization" }?.value
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func theS3ListObjectsExampleGivesTheDocumentedSignature() {
        let request = SigV4Signer.Request(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/", query: [("max-keys", "2"), ("prefix", "J")],
            headers: [("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)])
        let headers = SigV4Signer.sign(request, credentials: Self.s3Key, region: "us-east-1", service: "s3", date: Self.s3Date)
        #expect(
            headers.first { $0.name == "authorization" }?.value.hasSuffix(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func aSessionTokenIsSentAndSigned() {
        var key = Self.suiteKey
        key.sessionToken = "session-token"
        let headers = SigV4Signer.sign(
            .init(method: "GET", host: "example.amazonaws.com", path: "/"), credentials: key, region: "us-east-1", service: "service",
            date: Self.suiteDate)
        #expect(headers.first { $0.name == "x-amz-security-token" }?.value == "session-token")
        #expect(headers.first { $0.name == "authorization" }?.value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,") == true)
    }

    @Test func keysAreEncodedOnceWithSlashesKept() {
        #expect(SigV4Signer.encode("orders/2026 11/a+b=c~_.-é", keepingSlashes: true) == "orders/2026%2011/a%2Bb%3Dc~_.-%C3%A9")
        #expect(SigV4Signer.encode("a/b") == "a%2Fb")
    }

    @Test func credentialsNeverDescribeTheirSecret() {
        let text = "\(Self.s3Key)"
        #expect(!text.contains(Self.s3Key.secretAccessKey))
        #expect(text.contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
