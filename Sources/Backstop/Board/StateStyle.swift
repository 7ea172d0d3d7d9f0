import BackstopCore

/// How a state looks: a CSS class for the colour, and a glyph and word so it never depends on
/// colour alone (WCAG 1.4.1).
struct StateStyle: Sendable {
    var css: String
    var glyph: String
    var label: String

    init(_ state: BackupState?) {
        let style: (String, String, String) =
            switch state {
            case .healthy: ("healthy", "✓", "healthy")
            case .failed: ("failed", "✗", "failed")
            case .missing: ("missing", "?", "missing")
            case .noWindowYet: ("waiting", "–", "no window yet")
            case nil: ("none", "…", "not verified yet")
            }
        css = style.0
        glyph = style.1
        label = style.2
    }
}

/// One cell of a history strip: a window's outcome, linking to the run that decided it.
struct HistoryCell: Sendable {
    var href: String
    var css: String
    var glyph: String
    /// Read by screen readers and shown on hover.
    var title: String

    init(_ window: WindowOutcome) {
        let style = StateStyle(window.state)
        href = PagePath.run(window.runID)
        css = style.css
        glyph = style.glyph
        let when = window.windowStart.map { "window of \(RFC3339.format($0))" } ?? "verified \(RFC3339.format(window.verifiedAt))"
        title = "\(when): \(style.label)" + (window.cause.map { " (\($0.rawValue))" } ?? "")
    }

    /// Oldest first, as time reads left to right.
    static func strip(_ windows: [WindowOutcome]) -> [HistoryCell] { windows.reversed().map(HistoryCell.init) }
}
