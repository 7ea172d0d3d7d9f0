import AsyncHTTPClient
import BackstopCore
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The four S3 calls Backstop makes, on AsyncHTTPClient with our own SigV4 signer: ListObjectsV2,
/// HEAD, GET streamed through SHA-256 (nothing written to disk, memory flat at any size) and GET
/// into a file for restore tests. Read-only: nothing here writes to, or deletes from, a bucket.
///
/// Every call has a deadline: `timeout` for calls with small answers, and for object bodies
/// `timeout` plus the time the object takes at ``minimumThroughput``; the client's read timeout
/// also ends a transfer that stalls. No call can hang a run.
package struct S3Client: Sendable {
    package var source: S3Source
    package var credentials: S3CredentialProvider
    package var http: HTTPClient
    package var timeout: Duration
    /// Answers that are read whole (listings, errors, sidecars) are refused above this.
    package var smallBodyLimit = 4 << 20

    /// Bodies slower than this fail their deadline: 1 MiB/s.
    package static let minimumThroughput: Int64 = 1 << 20

    /// One client for every S3 call, for the life of the process (never shut down, like
    /// `HTTPClient.shared`). Unlike the shared one it never decompresses (a `.gz` object stored
    /// with `Content-Encoding: gzip` must be hashed as stored) and never follows redirects (S3
    /// answers a wrong region with a redirect Backstop reports instead).
    package static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)), decompression: .disabled)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    package init(
        source: S3Source, http: HTTPClient = S3Client.httpClient, timeout: Duration = .seconds(60),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.source = source
        self.credentials = S3CredentialProvider(source: source.credentials, environment: environment)
        self.http = http
        self.timeout = timeout
    }

    /// `s3://bucket/key`, how evidence names an object.
    package func name(_ key: String) -> String { "s3://\(source.bucket)/\(key)" }

    // MARK: - Calls

    /// The object's size and time (and stored SHA-256 when `checksum`), or nil when there is no
    /// such key. HEAD answers carry no body, so a refusal is asked again as a one-byte GET to
    /// learn S3's error code (NoSuchKey, NoSuchBucket, AccessDenied, SignatureDoesNotMatch…).
    package func head(_ key: String, checksum: Bool = false) async throws(S3Error) -> S3Object? {
        let headers = checksum ? [("x-amz-checksum-mode", "ENABLED")] : []
        let response = try await send(.HEAD, key: key, headers: headers, deadline: timeout, what: "HEAD \(name(key))")
        guard (200..<300).contains(response.status.code) else {
            let probe = try await send(.GET, key: key, headers: [("range", "bytes=0-0")], deadline: timeout, what: "GET \(name(key))")
            let failure = await S3Failure.read(probe, what: "HEAD \(name(key))", limit: smallBodyLimit, fallbackStatus: response.status)
            if failure.isNoSuchKey { return nil }
            throw failure.error(bucket: source.bucket, accessKey: try? credentials.credentials().accessKeyID)
        }
        let size = response.headers.first(name: "content-length").flatMap { Int64($0) }
        let modified = response.headers.first(name: "last-modified").flatMap(HTTPDate.parse)
        guard let size, let modified else {
            throw S3Error("HEAD \(name(key)) answered without Content-Length or Last-Modified; is the endpoint an S3 API?")
        }
        return S3Object(
            key: key, size: size, lastModified: modified, checksumSHA256: response.headers.first(name: "x-amz-checksum-sha256"))
    }

    /// Every object under `prefix`, page by page (at most `maxPages` pages of 1000).
    package func list(prefix: String, maxPages: Int = 1_000) async throws(S3Error) -> [S3Object] {
        var objects: [S3Object] = []
        var token: String?
        for _ in 0..<maxPages {
            var query = [(name: "list-type", value: "2"), (name: "prefix", value: prefix)]
            if let token { query.append((name: "continuation-token", value: token)) }
            let what = "ListObjectsV2 \(name(prefix))"
            let response = try await send(.GET, key: nil, query: query, deadline: timeout, what: what)
            let body = try await collect(response, what: what)
            let page = try S3XML.listPage(Data(buffer: body))
            objects += page.objects
            guard let next = page.continuationToken else { return objects }
            token = next
        }
        throw S3Error("more than \(maxPages * 1_000) objects under \(name(prefix)): use a longer prefix or a key with {date:…}")
    }

    /// A small object's bytes (a `.sha256` sidecar), or nil when there is no such key.
    package func getSmall(_ key: String) async throws(S3Error) -> Data? {
        let what = "GET \(name(key))"
        let response = try await send(.GET, key: key, deadline: timeout, what: what)
        if response.status.code == 404 {
            let failure = await S3Failure.read(response, what: what, limit: smallBodyLimit)
            if failure.isNoSuchKey { return nil }
            throw failure.error(bucket: source.bucket, accessKey: nil)
        }
        return Data(buffer: try await collect(response, what: what))
    }

    /// SHA-256 of the object's bytes as they stream in; nothing is kept or written.
    package func sha256(_ object: S3Object, progress: @Sendable (Int) -> Void) async throws(S3Error) -> String {
        var hasher = SHA256()
        try await stream(object) { chunk in
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            progress(chunk.readableBytes)
        }
        return hasher.finalize().hexString
    }

    /// Writes the object into `path` (created, or replaced).
    package func download(_ object: S3Object, to path: String) async throws(S3Error) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw S3Error("cannot create \(path) to download \(name(object.key)) into") }
        defer { try? handle.close() }
        try await stream(object) { chunk throws(S3Error) in
            do {
                try handle.write(contentsOf: chunk.readableBytesView)
            } catch {
                throw S3Error("cannot write \(path) while downloading \(name(object.key)): \(error.localizedDescription)")
            }
        }
    }

    private func stream(_ object: S3Object, each: (ByteBuffer) throws(S3Error) -> Void) async throws(S3Error) {
        let what = "GET \(name(object.key))"
        let deadline = timeout + .seconds(object.size / Self.minimumThroughput)
        let response = try await send(.GET, key: object.key, deadline: deadline, what: what)
        guard (200..<300).contains(response.status.code) else {
            let failure = await S3Failure.read(response, what: what, limit: smallBodyLimit)
            throw failure.error(bucket: source.bucket, accessKey: nil)
        }
        do {
            for try await chunk in response.body {
                try each(chunk)
            }
        } catch let error as S3Error {
            throw error
        } catch {
            throw S3Failure.transport(error, what: what, endpoint: endpointName, deadline: deadline)
        }
    }

    private func collect(_ response: HTTPClientResponse, what: String) async throws(S3Error) -> ByteBuffer {
        guard (200..<300).contains(response.status.code) else {
            let failure = await S3Failure.read(response, what: what, limit: smallBodyLimit)
            throw failure.error(bucket: source.bucket, accessKey: try? credentials.credentials().accessKeyID)
        }
        do {
            return try await response.body.collect(upTo: smallBodyLimit)
        } catch is NIOTooManyBytesError {
            throw S3Error("\(what) answered with more than \(ByteSize.format(Int64(smallBodyLimit))); Backstop reads no more")
        } catch {
            throw S3Failure.transport(error, what: what, endpoint: endpointName, deadline: timeout)
        }
    }

    // MARK: - Requests

    /// Signs and sends one request; any answer is returned, transport failures are thrown.
    private func send(
        _ method: HTTPMethod, key: String?, query: [(name: String, value: String)] = [], headers: [(String, String)] = [],
        deadline: Duration, what: String
    ) async throws(S3Error) -> HTTPClientResponse {
        let endpoint = try S3Endpoint(source)
        let target = endpoint.target(bucket: source.bucket, key: key, pathStyle: source.pathStyle)
        var signable = SigV4Signer.Request(
            method: method.rawValue, host: target.host, path: target.path, query: query,
            headers: headers.map { (name: $0.0, value: $0.1) } + [(name: "x-amz-content-sha256", value: SigV4Signer.emptyPayloadHash)])
        let signed = SigV4Signer.sign(
            signable, credentials: try credentials.credentials(), region: source.region, service: "s3", date: Date())
        signable.headers += signed
        let queryText = signable.encodedQuery
        var request = HTTPClientRequest(
            url: "\(endpoint.scheme)://\(target.host)\(signable.encodedPath)\(queryText.isEmpty ? "" : "?")\(queryText)")
        request.method = method
        request.headers.add(name: "host", value: target.host)
        for (name, value) in signable.headers { request.headers.add(name: name, value: value) }
        do {
            return try await http.execute(request, timeout: .nanoseconds(Int64(deadline.seconds * 1_000_000_000)))
        } catch {
            throw S3Failure.transport(error, what: what, endpoint: endpointName, deadline: deadline)
        }
    }

    private var endpointName: String { source.endpoint ?? "https://s3.\(source.region).amazonaws.com" }
}

/// Where requests go: the configured endpoint, or AWS for the region.
package struct S3Endpoint: Sendable, Equatable {
    package var scheme: String
    /// `host` or `host:port`.
    package var authority: String
    package var basePath: String

    package init(_ source: S3Source) throws(S3Error) {
        let text = source.endpoint ?? "https://s3.\(source.region).amazonaws.com"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw S3Error("endpoint '\(text)' is not an http:// or https:// URL") }
        self.scheme = scheme
        authority = components.port.map { "\(host):\($0)" } ?? host
        basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
    }

    /// Host header and unencoded path for a key (nil: the bucket itself, for listings).
    package func target(bucket: String, key: String?, pathStyle: Bool) -> (host: String, path: String) {
        if pathStyle { return (authority, "\(basePath)/\(bucket)" + (key.map { "/\($0)" } ?? "")) }
        return ("\(bucket).\(authority)", "\(basePath)/\(key ?? "")")
    }
}
