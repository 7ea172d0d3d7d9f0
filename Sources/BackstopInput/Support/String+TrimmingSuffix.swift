extension String {
    /// The string without `suffix` at its end, if it has it (base URLs written with or without
    /// a trailing slash).
    package func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
