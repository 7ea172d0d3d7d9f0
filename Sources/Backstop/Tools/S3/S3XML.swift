import BackstopCore
import BackstopInput
import Foundation

/// One object as a listing or HEAD describes it.
package struct S3Object: Sendable, Equatable {
    package var key: String
    package var size: Int64
    package var lastModified: Date
    /// `x-amz-checksum-sha256` (base64) when asked for and stored.
    package var checksumSHA256: String?

    package init(key: String, size: Int64, lastModified: Date, checksumSHA256: String? = nil) {
        self.key = key
        self.size = size
        self.lastModified = lastModified
        self.checksumSHA256 = checksumSHA256
    }
}

/// One page of ListObjectsV2.
package struct S3ListPage: Sendable, Equatable {
    package var objects: [S3Object]
    /// Set when the listing is truncated: the token for the next page.
    package var continuationToken: String?
}

/// Reads S3's XML answers (ListBucketResult, Error).
package enum S3XML {
    /// A ListObjectsV2 answer.
    package static func listPage(_ data: Data) throws(S3Error) -> S3ListPage {
        let elements = try collect(data, records: "Contents")
        var objects: [S3Object] = []
        for record in elements.records {
            guard let key = record["Key"], let size = record["Size"].flatMap({ Int64($0) }),
                let modified = record["LastModified"].flatMap({ RFC3339.parse($0) })
            else {
                throw S3Error("the S3 listing has an entry without Key, Size or LastModified; is the endpoint an S3 API?")
            }
            objects.append(S3Object(key: key, size: size, lastModified: modified))
        }
        let truncated = elements.top["IsTruncated"] == "true"
        let token = truncated ? elements.top["NextContinuationToken"] : nil
        if truncated, token == nil {
            throw S3Error("the S3 listing is truncated but gives no NextContinuationToken; the endpoint may not support ListObjectsV2")
        }
        return S3ListPage(objects: objects, continuationToken: token)
    }

    /// An `<Error><Code>…</Code><Message>…</Message></Error>` answer: code and message, or nil
    /// when the body is not one.
    package static func error(_ data: Data) -> (code: String, message: String?)? {
        guard let elements = try? collect(data, records: nil), let code = elements.top["Code"] else { return nil }
        return (code, elements.top["Message"])
    }

    /// The text of the root's direct children (`top`) and of the children of each `records`
    /// element (``S3XMLReader``, which says why it is not `XMLParser`).
    private static func collect(_ data: Data, records: String?) throws(S3Error) -> S3XMLElements {
        do throws(S3XMLError) {
            return try S3XMLReader.elements(of: data, records: records)
        } catch {
            let detail = String(decoding: data.prefix(200), as: UTF8.self)
            throw S3Error("the S3 endpoint answered with XML Backstop cannot read (\(error)): \(detail)")
        }
    }
}
