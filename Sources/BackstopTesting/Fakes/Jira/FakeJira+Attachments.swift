import HTTPTypes
import Hummingbird

/// Attachment uploads: multipart/form-data with `file` parts, behind Jira's XSRF check.
extension FakeJira {
    static let atlassianToken = HTTPField.Name("X-Atlassian-Token")

    func attach(_ call: Call) async -> Response {
        // Without this header Jira's XSRF protection blocks the upload before reading it.
        let token = Self.atlassianToken.flatMap { call.request.headers[$0] }?.lowercased()
        guard token == "no-check" || token == "nocheck" else {
            return FakeHTTP.text(.forbidden, "XSRF check failed")
        }
        let found = state.withLock { state in issueIndex(call, in: state).map { _ in () } }
        if case .failure(let error) = found { return error.response }
        guard let contentType = call.request.headers[.contentType], let boundary = MultipartFormData.boundary(fromContentType: contentType)
        else {
            return Self.errors(.unsupportedMediaType, messages: ["Attachments must be sent as multipart/form-data."])
        }
        guard let data = await FakeHTTP.body(of: call.request, limit: maximumAttachmentBytes + 64 * 1_024) else {
            return Self.errors(.contentTooLarge, messages: ["The attachments exceed the maximum attachment size for issues."])
        }
        guard let form = MultipartFormData(body: data, boundary: boundary) else {
            return Self.errors(.badRequest, messages: ["The multipart/form-data body could not be read."])
        }
        let files = form.parts.filter { $0.name == "file" && !($0.filename ?? "").isEmpty }
        guard !files.isEmpty else {
            return Self.errors(
                .badRequest, messages: ["No attachments: the form-data parameter holding files must be named 'file' and give a filename."])
        }
        guard files.reduce(0, { $0 + $1.data.count }) <= maximumAttachmentBytes else {
            return Self.errors(.contentTooLarge, messages: ["The attachments exceed the maximum attachment size for issues."])
        }
        let added = state.withLock { state in
            issueIndex(call, in: state).map { index -> [JiraAttachment] in
                files.map { part in
                    let attachment = JiraAttachment(
                        id: String(state.nextAttachmentID), filename: part.filename ?? "file",
                        mimeType: part.contentType ?? "application/octet-stream", data: part.data)
                    state.nextAttachmentID += 1
                    state.issues[index].attachments.append(attachment)
                    return attachment
                }
            }
        }
        switch added {
        case .failure(let error): return error.response
        case .success(let attachments):
            return FakeHTTP.json(.ok, .array(attachments.map { $0.json(baseURL: call.baseURL, version: call.version) }))
        }
    }
}
