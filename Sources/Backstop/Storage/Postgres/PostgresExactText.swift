import Foundation
import PostgresNIO

/// PostgreSQL's TEXT cannot hold NUL, and tool output, alert labels and log lines can. Text goes
/// to PostgreSQL in a reversible form, so what is read back, and hashed, is exactly what was
/// accepted (SQLite keeps such text as a blob instead, see ``ExactText``):
///
/// - text without NUL that does not start with U+0001 is stored as it is (nearly all text);
/// - text holding NUL is stored as U+0001 `B` and the base64 of its UTF-8 bytes;
/// - text starting with U+0001 is stored as U+0001 `T` and the text.
///
/// Lookups bind the same form, so a key holding NUL finds the row stored with it. Ordering and
/// comparisons differ from the plain text only for such values.
package enum PostgresExactText {
    private static let marker: Character = "\u{1}"

    /// The form stored in a TEXT column.
    package static func stored(_ text: String) -> String {
        if text.containsNUL { return "\(marker)B" + Data(text.utf8).base64EncodedString() }
        if text.first == marker { return "\(marker)T" + text }
        return text
    }

    /// The stored form of bytes that SQLite keeps as a blob (text that held NUL).
    package static func stored(_ bytes: Data) -> String {
        "\(marker)B" + bytes.base64EncodedString()
    }

    /// What a TEXT column holds, read back: text, or the bytes of text that held NUL. A value
    /// stored before this form existed reads as the text it is.
    package static func read(_ stored: String) -> RecordValue {
        guard stored.first == marker else { return .text(stored) }
        let rest = stored.dropFirst(2)
        switch stored.dropFirst().first {
        case "B": return Data(base64Encoded: String(rest)).map(RecordValue.blob) ?? .text(stored)
        case "T": return .text(String(rest))
        default: return .text(stored)
        }
    }

    /// Text read back (a blob's bytes as UTF-8, which is how SQLite's reader decodes it too).
    package static func text(_ stored: String) -> String {
        switch read(stored) {
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .text(let text): text
        default: stored
        }
    }
}

// Every string the store binds goes through ``PostgresExactText`` without each query saying so:
// these concrete overloads are chosen over PostgresNIO's generic ones for `String` values, and
// hand the stored form to the generic ones (inside a generic function `Value` is not `String`).
extension PostgresQuery.StringInterpolation {
    mutating func appendInterpolation(_ text: String) {
        bind(PostgresExactText.stored(text))
    }

    mutating func appendInterpolation(_ text: String?) {
        bind(text.map(PostgresExactText.stored))
    }

    mutating func appendInterpolation(_ texts: [String]) {
        bind(texts.map(PostgresExactText.stored))
    }

    private mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
        appendInterpolation(value)
    }

    private mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) {
        appendInterpolation(value)
    }
}

extension PostgresBindings {
    mutating func append(_ text: String) {
        bind(PostgresExactText.stored(text))
    }

    /// Binds bytes in their stored form (the form is already escaped: not again).
    mutating func append(storedBytes bytes: Data) {
        bind(PostgresExactText.stored(bytes))
    }

    private mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
        append(value)
    }
}
