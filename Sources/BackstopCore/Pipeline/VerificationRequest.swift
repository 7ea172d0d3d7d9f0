/// What a verification run should cover.
package struct VerificationRequest: Sendable {
    package var trigger: RunTrigger
    /// Limit the run to these assets; nil means every asset the trigger concerns.
    package var assets: [String]?
    /// The window to verify, for scheduled runs; otherwise each schedule's relevant window is used.
    package var window: BackupWindow?
    /// What backup tools reported through completion events, by asset.
    package var reports: [String: ToolReport]

    package init(trigger: RunTrigger, assets: [String]? = nil, window: BackupWindow? = nil, reports: [String: ToolReport] = [:]) {
        self.trigger = trigger
        self.assets = assets
        self.window = window
        self.reports = reports
    }
}
