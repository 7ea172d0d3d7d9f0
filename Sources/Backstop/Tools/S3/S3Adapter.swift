import AsyncHTTPClient
import BackstopCore
import Foundation

/// Objects in S3-compatible buckets: the object at `key` (its `{date:…}` placeholders rendered
/// for the window, found with HEAD) or the newest object under `prefix` (found by listing,
/// `.sha256` sidecars ignored) is the artifact; Content-Length is its size and Last-Modified its
/// time. The checksum streams the object through SHA-256 and compares it with the sidecar
/// `<key>.sha256` or the store's own `x-amz-checksum-sha256`; a restore test downloads it into
/// scratch. Read-only: Backstop never writes to or deletes from a bucket.
package struct S3Adapter: BackupAdapter {
    /// Schedules' time zones, so `{date:…}` keys use the schedule's calendar day.
    package var timeZones: [String: TimeZone]
    package var http: HTTPClient
    /// The deadline of each call with a small answer; object bodies get more (see ``S3Client``).
    package var timeout: Duration
    /// Where AWS_* credentials are read from when no key files are configured.
    package var environment: [String: String]

    package init(
        timeZones: [String: TimeZone] = [:], http: HTTPClient = S3Client.httpClient, timeout: Duration = .seconds(60),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.timeZones = timeZones
        self.http = http
        self.timeout = timeout
        self.environment = environment
    }

    package func client(for source: S3Source) -> S3Client {
        S3Client(source: source, http: http, timeout: timeout, environment: environment)
    }

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        guard case .s3(let source) = backup.source else { return nil }
        let client = client(for: source)
        let zone = window.flatMap { timeZones[$0.schedule] } ?? TimeZone(identifier: "UTC") ?? .current
        let render = { (template: String) in
            DateTemplate.containsPlaceholder(template)
                ? DateTemplate.render(template, date: window?.start ?? now, timeZone: zone) : template
        }
        do throws(S3Error) {
            switch source.object {
            case .key(let template):
                return try await client.head(render(template)).map { artifact($0, client: client) }
            case .prefix(let template):
                let objects = try await client.list(prefix: render(template))
                let newest = Self.newest(in: objects)
                return newest.map { artifact($0, client: client) }
            }
        } catch {
            throw error.inspection
        }
    }

    /// The newest object by Last-Modified (the greater key on a tie), ignoring checksum
    /// sidecars and folder markers.
    package static func newest(in objects: [S3Object]) -> S3Object? {
        objects.filter { !$0.key.hasSuffix(".sha256") && !$0.key.hasSuffix("/") }
            .max { ($0.lastModified, $0.key) < ($1.lastModified, $1.key) }
    }

    package func expectedChecksum(of artifact: Artifact, backup: BackupSpec) async throws(InspectionError) -> String {
        guard case .s3(let source) = backup.source, let key = artifact.reference else {
            throw InspectionError("\(artifact.path) is not an S3 object")
        }
        let client = client(for: source)
        do throws(S3Error) {
            switch backup.checksum {
            case .sidecar:
                let sidecar = key + ".sha256"
                guard let data = try await client.getSmall(sidecar) else {
                    throw S3Error(
                        "\(client.name(sidecar)) does not exist: upload the sidecar with the object, or set checksum: object or none")
                }
                guard let checksum = ChecksumFile.checksum(for: key, in: String(decoding: data, as: UTF8.self)) else {
                    throw S3Error("\(client.name(sidecar)) lists no SHA-256 for \(Self.basename(key))")
                }
                return checksum
            case .stored:
                guard let object = try await client.head(key, checksum: true) else {
                    throw S3Error("\(artifact.path) disappeared while it was being verified")
                }
                return try Self.hex(storedChecksum: object.checksumSHA256, name: artifact.path)
            case .none, .manifest:
                throw S3Error("no checksum is kept for this backup")
            }
        } catch {
            throw error.inspection
        }
    }

    /// `x-amz-checksum-sha256` (base64 of the 32 bytes) as lower-case hex.
    package static func hex(storedChecksum: String?, name: String) throws(S3Error) -> String {
        guard let stored = storedChecksum, !stored.isEmpty else {
            throw S3Error(
                "\(name) has no stored SHA-256 (x-amz-checksum-sha256): upload it with a SHA-256 checksum (aws s3 cp --checksum-algorithm SHA256), or set checksum: sidecar"
            )
        }
        if stored.contains("-") {
            throw S3Error(
                "\(name) has a multipart checksum (\(stored)), a checksum of its parts rather than of the object: set checksum: sidecar")
        }
        guard let bytes = Data(base64Encoded: stored), bytes.count == 32 else {
            throw S3Error("\(name) has an x-amz-checksum-sha256 that is not a base64 SHA-256: \(stored)")
        }
        return bytes.hexString
    }

    package func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) async throws(InspectionError)
        -> String
    {
        guard case .s3(let source) = backup.source, let key = artifact.reference else {
            throw InspectionError("\(artifact.path) is not an S3 object")
        }
        do throws(S3Error) {
            return try await client(for: source).sha256(Self.object(artifact, key: key), progress: progress)
        } catch {
            throw error.inspection
        }
    }

    /// Downloads the object into `scratch/<last part of the key>`: that file is `{artifact}`.
    package func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String? {
        guard case .s3(let source) = backup.source, let key = artifact.reference else { return nil }
        let destination = "\(scratch)/\(Self.basename(key))"
        do throws(S3Error) {
            try await client(for: source).download(Self.object(artifact, key: key), to: destination)
        } catch {
            throw error.inspection
        }
        return destination
    }

    private func artifact(_ object: S3Object, client: S3Client) -> Artifact {
        Artifact(path: client.name(object.key), sizeBytes: object.size, modifiedAt: object.lastModified, reference: object.key)
    }

    private static func object(_ artifact: Artifact, key: String) -> S3Object {
        S3Object(key: key, size: artifact.sizeBytes, lastModified: artifact.modifiedAt)
    }

    private static func basename(_ key: String) -> String {
        let last = key.split(separator: "/").last.map(String.init) ?? ""
        return last.isEmpty || last == "." || last == ".." ? "object" : last
    }
}
