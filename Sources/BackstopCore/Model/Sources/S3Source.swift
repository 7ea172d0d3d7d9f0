/// Objects in an S3-compatible bucket: one key (with `{date:…}` placeholders) or the newest
/// object under a prefix.
package struct S3Source: Sendable, Equatable {
    package var bucket: String
    package var object: ObjectSelector
    /// nil talks to AWS for the region.
    package var endpoint: String?
    package var region: String
    package var credentials: S3CredentialSource
    package var pathStyle: Bool
    package var checksum: S3ChecksumPolicy

    package init(
        bucket: String, object: ObjectSelector, endpoint: String? = nil, region: String, credentials: S3CredentialSource,
        pathStyle: Bool = false, checksum: S3ChecksumPolicy = .none
    ) {
        self.bucket = bucket
        self.object = object
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.pathStyle = pathStyle
        self.checksum = checksum
    }

    package enum ObjectSelector: Sendable, Equatable {
        /// A key, possibly with `{date:FORMAT}` placeholders rendered for the window.
        case key(String)
        /// The newest object under this prefix.
        case prefix(String)
    }
}

/// Where the S3 access key comes from. Files are read when a request is signed, so a rotated
/// key is picked up without a restart.
package enum S3CredentialSource: Sendable, Equatable {
    case files(accessKeyID: String, secretAccessKey: String)
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or the shared
    /// credentials file, as the AWS tools read them.
    case standard
}

/// Where an object's expected SHA-256 comes from.
package enum S3ChecksumPolicy: Sendable, Equatable {
    /// The object `<key>.sha256`, in `sha256sum` format.
    case sidecar
    /// The object's own `x-amz-checksum-sha256` (base64), as S3 stores it at upload.
    case object
    case none
}
