/// A fault of the store itself (not of a backup): the message says what to look at.
package struct StoreError: Error, CustomStringConvertible {
    package var message: String
    /// The store could not be reached (connection refused or closed, a timeout), as opposed to a
    /// write it refused (a constraint, bad SQL): only such a write may wait in a local buffer.
    package var isUnavailable: Bool
    package init(_ message: String, isUnavailable: Bool = false) {
        self.message = message
        self.isUnavailable = isUnavailable
    }
    package var description: String { message }
}
