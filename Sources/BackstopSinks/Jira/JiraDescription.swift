/// The description of a new issue. Jira refuses fields over 32,767 characters, and a report with
/// long log excerpts can exceed that (more so as ADF, which is larger than its Markdown), so a
/// long report is cut at a line boundary with a pointer to the attachment, which always holds
/// the whole report.
enum JiraDescription {
    /// Leaves room for ADF's JSON overhead under Jira's limit.
    static let maximumMarkdownLength = 16_000

    static func markdown(_ report: String, attachment filename: String, limit: Int = maximumMarkdownLength) -> String {
        guard report.count > limit else { return report }
        var kept: [Substring] = []
        var length = 0
        for line in report.split(separator: "\n", omittingEmptySubsequences: false) {
            guard length + line.count + 1 <= limit else { break }
            kept.append(line)
            length += line.count + 1
        }
        // A cut inside a code block would turn the note into code.
        let fences = kept.filter { $0.trimmingLeadingSpaces().hasPrefix("```") }.count
        var text = kept.joined(separator: "\n")
        if !fences.isMultiple(of: 2) { text += "\n```" }
        return text + "\n\n*The report is cut here; the whole report is attached as \(filename).*"
    }
}
