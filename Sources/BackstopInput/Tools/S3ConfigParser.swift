import BackstopCore
import Foundation
import Yams

/// `backup.type: s3`: the bucket, one key (with `{date:…}` placeholders) or a prefix, where the
/// store is, whose keys to sign with, and where the expected SHA-256 comes from.
enum S3ConfigParser {
    static let parser = BackupTypeParser(
        keys: [
            "bucket", "key", "prefix", "endpoint", "region", "access_key_id_file", "secret_access_key_file", "path_style", "checksum",
        ], parse: parse)

    static func parse(_ context: BackupTypeContext) -> BackupSpec? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        let bucket = reader.nonEmptyString(
            reader.require(fields["bucket"], in: context.node, "\(path).bucket", "the bucket's name"), "\(path).bucket")
        if let bucket, bucket.contains("/") || bucket.contains(" ") {
            reader.report(
                fields["bucket"], "\(path).bucket", "'\(bucket)' is not a bucket name; give the name alone, without s3:// or a key")
        }
        let object = parseObject(context)
        let endpoint = fields["endpoint"].flatMap { parseEndpoint($0, context: context) }
        var region = fields["region"].flatMap { reader.nonEmptyString($0, "\(path).region") }
        if region == nil, fields["region"] == nil {
            if endpoint == nil {
                reader.report(
                    context.node, "\(path).region", "is required without an endpoint: the bucket's AWS region, e.g. eu-central-1")
            } else {
                region = "us-east-1"
            }
        }
        let credentials = parseCredentials(context)
        let pathStyle = fields["path_style"].flatMap { reader.bool($0, "\(path).path_style") } ?? false
        let checksum = fields["checksum"].flatMap { parseChecksum($0, path: "\(path).checksum", reader: reader) } ?? S3ChecksumPolicy.none
        guard let bucket, let object, let region, let credentials else { return nil }
        let source = S3Source(
            bucket: bucket, object: object, endpoint: endpoint, region: region, credentials: credentials, pathStyle: pathStyle,
            checksum: checksum)
        let described: String
        switch object {
        case .key(let key): described = "s3://\(bucket)/\(key)"
        case .prefix(let prefix): described = "s3://\(bucket)/\(prefix)*"
        }
        var spec = BackupSpec(path: described)
        spec.source = .s3(source)
        switch checksum {
        case .sidecar: spec.checksum = .sidecar
        case .object: spec.checksum = .stored
        case .none: spec.checksum = .none
        }
        return spec
    }

    /// Exactly one of `key` and `prefix`.
    private static func parseObject(_ context: BackupTypeContext) -> S3Source.ObjectSelector? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        switch (fields["key"], fields["prefix"]) {
        case (.some, .some):
            reader.report(fields["prefix"], "\(path).prefix", "give either key or prefix, not both")
            return nil
        case (.some(let node), nil):
            guard let key = reader.nonEmptyString(node, "\(path).key") else { return nil }
            if key.hasPrefix("/") {
                reader.report(node, "\(path).key", "'\(key)' starts with '/'; S3 keys are written without it, e.g. orders/orders.sql.gz")
                return nil
            }
            if let problem = DateTemplate.problem(in: key) {
                reader.report(node, "\(path).key", problem)
                return nil
            }
            return .key(key)
        case (nil, .some(let node)):
            guard let prefix = reader.string(node, "\(path).prefix") else { return nil }
            if let problem = DateTemplate.problem(in: prefix) {
                reader.report(node, "\(path).prefix", problem)
                return nil
            }
            return .prefix(prefix)
        case (nil, nil):
            reader.report(
                context.node, "\(path).key",
                "is required (or prefix): the object's key, e.g. orders/orders-{date:%Y-%m-%d}.sql.gz, or a prefix whose newest object is the backup"
            )
            return nil
        }
    }

    private static func parseEndpoint(_ node: Node, context: BackupTypeContext) -> String? {
        let key = "\(context.path).endpoint"
        guard let text = context.reader.nonEmptyString(node, key) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty, components.query == nil
        else {
            context.reader.report(node, key, "'\(text)' is not an http:// or https:// URL, e.g. http://127.0.0.1:9000")
            return nil
        }
        return text
    }

    /// Both key files or neither (then the AWS_* environment or the shared credentials file).
    private static func parseCredentials(_ context: BackupTypeContext) -> S3CredentialSource? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        switch (fields["access_key_id_file"], fields["secret_access_key_file"]) {
        case (nil, nil):
            return .standard
        case (.some, nil):
            reader.report(
                context.node, "\(path).secret_access_key_file", "is required with access_key_id_file: the file holding the secret key")
            return nil
        case (nil, .some):
            reader.report(
                context.node, "\(path).access_key_id_file", "is required with secret_access_key_file: the file holding the access key ID")
            return nil
        case (.some, .some):
            let id = context.readableFile("access_key_id_file", what: "the S3 access key ID")
            let secret = context.readableFile("secret_access_key_file", what: "the S3 secret access key")
            guard let id, let secret else { return nil }
            return .files(accessKeyID: id, secretAccessKey: secret)
        }
    }

    private static func parseChecksum(_ node: Node, path: String, reader: ConfigReader) -> S3ChecksumPolicy? {
        guard let text = reader.string(node, path) else { return nil }
        switch text {
        case "sidecar": return .sidecar
        case "object": return .object
        case "none": return S3ChecksumPolicy.none
        default:
            reader.report(
                node, path,
                "'\(text)' is not a checksum policy for s3; use sidecar (the object <key>.sha256), object (x-amz-checksum-sha256) or none")
            return nil
        }
    }
}
