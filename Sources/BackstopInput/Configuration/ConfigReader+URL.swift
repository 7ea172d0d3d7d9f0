import Foundation
import Yams

extension ConfigReader {
    /// A non-empty http(s) URL at `path`; nil (reported) when it is anything else, nil (silent)
    /// when the key is absent.
    package func httpURL(_ node: Node?, _ path: String) -> String? {
        guard let node, let text = nonEmptyString(node, path), isHTTPURL(text, node, path) else { return nil }
        return text
    }

    /// Whether `text` is an http(s) URL with a host; reports it at `path` when not.
    package func isHTTPURL(_ text: String, _ node: Node?, _ path: String) -> Bool {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            report(node, path, "'\(text)' is not an http(s) URL")
            return false
        }
        return true
    }
}
