import BackstopCore
import Foundation
import Hummingbird

/// Builds JSON responses with Backstop's API encoding.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(json: ByteBuffer(bytes: try JSONEncoder.api.encode(value)), status: status)
    }

    /// A body already in JSON (the webhook writes its answer without the encoder).
    static func make(json: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: json))
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
