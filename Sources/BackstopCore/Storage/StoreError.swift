/// A fault of the store itself (not of a backup): the message says what to look at.
package struct StoreError: Error, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
