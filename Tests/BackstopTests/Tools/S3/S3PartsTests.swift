import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The S3 adapter's parts without a server: XML answers, URLs, credentials, stored checksums,
/// and how each S3 failure reads to the diagnosis rules.
@Suite struct S3PartsTests {
    @Test func aListingPageGivesObjectsAndTheNextToken() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>backups</Name><Prefix>orders/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
              <Contents><Key>orders/a.sql.gz</Key><LastModified>2026-11-22T02:30:00.000Z</LastModified><Size>1024</Size></Contents>
              <Contents><Key>orders/a.sql.gz.sha256</Key><LastModified>2026-11-22T02:31:00Z</LastModified><Size>83</Size></Contents>
            </ListBucketResult>
            """
        let page = try S3XML.listPage(Data(xml.utf8))
        #expect(page.continuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(page.objects.map(\.key) == ["orders/a.sql.gz", "orders/a.sql.gz.sha256"])
        #expect(page.objects.first?.size == 1024)
        #expect(page.objects.first?.lastModified == Date(timeIntervalSince1970: 1_795_314_600))
        #expect(S3Adapter.newest(in: page.objects)?.key == "orders/a.sql.gz")
    }

    /// Times as S3 and S3-compatible stores write them: with or without a fraction, or with an
    /// offset; an entry whose time is not one is refused.
    @Test func listingTimesAreReadWithOrWithoutFractionsAndOffsets() throws {
        func modified(_ text: String) throws -> Date? {
            let xml =
                "<ListBucketResult><Contents><Key>k</Key><LastModified>\(text)</LastModified><Size>1</Size></Contents></ListBucketResult>"
            return try S3XML.listPage(Data(xml.utf8)).objects.first?.lastModified
        }
        #expect(try modified("2026-11-22T02:30:00.000Z") == Date(timeIntervalSince1970: 1_795_314_600))
        #expect(try modified("2026-11-22T02:30:00.250Z") == Date(timeIntervalSince1970: 1_795_314_600.25))
        #expect(try modified("2026-11-22T02:31:00Z") == Date(timeIntervalSince1970: 1_795_314_660))
        #expect(try modified("2026-11-22T04:31:00+02:00") == Date(timeIntervalSince1970: 1_795_314_660))
        #expect(throws: S3Error.self) { try modified("22 Nov 2026") }
        #expect(throws: S3Error.self) { try modified("") }
    }

    @Test func anErrorAnswerGivesCodeAndMessage() {
        let xml = "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>x</BucketName></Error>"
        let error = S3XML.error(Data(xml.utf8))
        #expect(error?.code == "NoSuchBucket")
        #expect(error?.message == "The specified bucket does not exist")
        #expect(S3XML.error(Data("<html>502</html>".utf8)) == nil)
    }

    @Test func pathStyleAndVirtualHostedURLs() throws {
        var source = S3Source(bucket: "backups", object: .key("k"), region: "eu-central-1", credentials: .standard)
        let aws = try S3Endpoint(source)
        #expect(aws.scheme == "https")
        #expect(
            aws.target(bucket: "backups", key: "orders/a b.gz", pathStyle: false) == (
                "backups.s3.eu-central-1.amazonaws.com", "/orders/a b.gz"
            ))
        source.endpoint = "http://127.0.0.1:9000"
        let local = try S3Endpoint(source)
        #expect(local.target(bucket: "backups", key: "orders/a.gz", pathStyle: true) == ("127.0.0.1:9000", "/backups/orders/a.gz"))
        #expect(local.target(bucket: "backups", key: nil, pathStyle: true) == ("127.0.0.1:9000", "/backups"))
        #expect(local.target(bucket: "backups", key: nil, pathStyle: false) == ("backups.127.0.0.1:9000", "/"))
    }

    @Test func credentialsComeFromFilesTheEnvironmentOrTheSharedFile() throws {
        let directory = try TemporaryDirectory()
        let id = try directory.write("id", "AKIDFILE\n")
        let secret = try directory.write("secret", "  file-secret  \n")
        let fromFiles = try S3CredentialProvider(source: .files(accessKeyID: id, secretAccessKey: secret), environment: [:]).credentials()
        #expect(fromFiles.accessKeyID == "AKIDFILE")
        #expect(fromFiles.secretAccessKey == "file-secret")

        let fromEnvironment = try S3CredentialProvider(
            source: .standard,
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "token"]
        ).credentials()
        #expect(fromEnvironment.sessionToken == "token")

        let shared = try directory.write(
            "credentials",
            "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[backup]\naws_access_key_id=AKIDBACKUP\naws_secret_access_key=b\n"
        )
        let fromProfile = try S3CredentialProvider(
            source: .standard, environment: ["AWS_SHARED_CREDENTIALS_FILE": shared, "AWS_PROFILE": "backup"]
        ).credentials()
        #expect(fromProfile.accessKeyID == "AKIDBACKUP")
        let fromDefault = try S3CredentialProvider(source: .standard, environment: ["AWS_SHARED_CREDENTIALS_FILE": shared]).credentials()
        #expect(fromDefault.accessKeyID == "AKIDDEFAULT")
    }

    @Test func missingCredentialsNameWhereBackstopLooked() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: S3Error.self) {
            try S3CredentialProvider(source: .standard, environment: ["HOME": directory.path]).credentials()
        }
        #expect(error.message.contains("\(directory.path)/.aws/credentials"))
        #expect(FailureClassifier().classify(output: error.message)?.cause == .expiredCredentials)
        let empty = try directory.write("empty", "\n")
        let unreadable = try #require(throws: S3Error.self) {
            try S3CredentialProvider(source: .files(accessKeyID: empty, secretAccessKey: empty), environment: [:]).credentials()
        }
        #expect(unreadable.message == "access_key_id_file '\(empty)' is empty: write the key on one line")
    }

    @Test func aStoredChecksumIsBase64OfTheDigest() throws {
        #expect(
            try S3Adapter.hex(storedChecksum: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", name: "s3://b/k")
                == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        let multipart = try #require(throws: S3Error.self) {
            try S3Adapter.hex(storedChecksum: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=-3", name: "s3://b/k")
        }
        #expect(multipart.message.contains("multipart checksum"))
    }

    /// What each answer must be diagnosed as, from the evidence S3Failure writes.
    @Test(arguments: [
        (
            403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
            FailureCause.expiredCredentials
        ),
        (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", .expiredCredentials),
        (400, "ExpiredToken", "The provided token has expired.", .expiredCredentials),
        (403, "AccessDenied", "Access Denied", .permissionDenied),
        (404, "NoSuchBucket", "The specified bucket does not exist", .targetDown),
        (500, "InternalError", "We encountered an internal error. Please try again.", .targetDown),
        (503, "SlowDown", "Please reduce your request rate.", .quotaExceeded),
    ])
    func s3ErrorCodesAreDiagnosed(status: Int, code: String, message: String, cause: FailureCause) {
        let xml = "<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        let error = S3Failure.error(status: status, body: Data(xml.utf8), what: "GET s3://backups/k")
        #expect(error.evidence?.contains("HTTP \(status)") == true)
        #expect(error.evidence?.contains("S3 error \(code)") == true)
        #expect(FailureClassifier().classify(output: error.evidence ?? "")?.cause == cause, "\(error)")
    }

    @Test func aServerErrorWithoutAnS3BodyIsTargetDown() {
        let error = S3Failure.error(status: 502, body: Data("<html>bad gateway</html>".utf8), what: "GET s3://backups/k")
        #expect(FailureClassifier().classify(output: error.message)?.cause == .targetDown)
        let forbidden = S3Failure.error(status: 403, body: Data(), what: "HEAD s3://backups/k")
        #expect(FailureClassifier().classify(output: forbidden.evidence ?? "")?.cause == .permissionDenied)
    }
}
