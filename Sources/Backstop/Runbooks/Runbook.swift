import Foundation

/// One page of docs/runbooks/, compiled in by scripts/generate-runbooks so `GET /runbooks/{page}`
/// works from the user's own Backstop: the alerting rules' `runbook_url` points there
/// (`$BACKSTOP_URL/runbooks/backup-failed`), never at a copy of the docs somebody else hosts.
struct Runbook: Sendable {
    /// The file name without `.md` (the alert's name in kebab case); empty for the index (README.md).
    var page: String
    var markdown: String

    /// The page for a path segment: `backup-failed`, `backup-failed.md` or the alert's own name
    /// (`BackupFailed`), so a link written either way finds it.
    static func named(_ segment: String) -> Runbook? {
        var name = segment.hasSuffix(".md") ? String(segment.dropLast(3)) : segment
        if name.contains(where: \.isUppercase) { name = kebab(name) }
        if name == "readme" { return .index }
        return all.first { !$0.page.isEmpty && $0.page == name }
    }

    /// `BackupLastSuccessTooOld` -> `backup-last-success-too-old`, as check-alerts names the files.
    static func kebab(_ alert: String) -> String {
        var out = ""
        for character in alert {
            if character.isUppercase, !out.isEmpty { out.append("-") }
            out += character.lowercased()
        }
        return out
    }

    /// The first heading (the alert's name), for the page title.
    var title: String {
        let heading = markdown.split(separator: "\n").first { $0.hasPrefix("# ") }
        return heading.map { String($0.dropFirst(2)) } ?? "Runbooks"
    }

    /// The page as HTML. Links between runbooks (`backup-missing.md`, `README.md#…`) become links
    /// to the served pages; other relative links (into the repository) lose their target and keep
    /// their text, since the repository is not served.
    var html: String {
        MarkdownHTML.render(Self.servedLinks(markdown))
    }

    static func servedLinks(_ markdown: String) -> String {
        var text = markdown.replacing(/\]\(README\.md(#[^)\s]*)?\)/) { match in "](/runbooks/\(match.output.1 ?? ""))" }
        text = text.replacing(/\]\(([a-z0-9-]+)\.md(#[^)\s]*)?\)/) { match in "](/runbooks/\(match.output.1)\(match.output.2 ?? ""))" }
        return text.replacing(/\[([^\]]*)\]\((\.\.\/[^)\s]*)\)/) { match in String(match.output.1) }
    }
}
