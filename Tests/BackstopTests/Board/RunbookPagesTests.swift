import Backstop
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Backstop

/// The runbooks Backstop serves at /runbooks/ are docs/runbooks/ (compiled in by
/// scripts/generate-runbooks), and every alert's runbook_url leads to one of them.
@Suite struct RunbookPagesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized

    static func docs() throws -> [String: String] {
        let directory = root.appendingPathComponent("docs/runbooks")
        var pages: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".md") {
            let page = file == "README.md" ? "" : String(file.dropLast(3))
            pages[page] = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        }
        return pages
    }

    @Test func theCompiledRunbooksAreTheDocs() throws {
        let docs = try Self.docs()
        let compiled = Dictionary(Runbook.all.map { ($0.page, $0.markdown) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(compiled.keys) == Set(docs.keys), "run scripts/generate-runbooks")
        for (page, markdown) in docs {
            #expect(compiled[page] == markdown.trimmingCharacters(in: .newlines), "docs/runbooks/\(page).md: run scripts/generate-runbooks")
        }
    }

    /// Each `runbook_url` in the rules ends in `/runbooks/<page>`, and Backstop serves that page.
    @Test func everyAlertsRunbookURLIsServed() async throws {
        let rules = try String(contentsOf: Self.root.appendingPathComponent("alerts/backstop.rules.yml"), encoding: .utf8)
        let paths = rules.matches(of: /runbook_url: *\S+?(\/runbooks\/[a-z0-9-]+)\s/).map { String($0.output.1) }
        let alerts = rules.matches(of: /- alert: *([A-Za-z0-9]+)/).count
        #expect(paths.count == alerts, "one runbook_url per alert")
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: BoardFixtures.assets))
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            for path in Set(paths) {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(String(buffer: response.body).contains("<h2>What it means</h2>"), "\(path)")
                }
            }
        }
    }

    @Test func linksBetweenRunbooksLeadToServedPages() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: BoardFixtures.assets))
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            let index = try await client.execute(uri: "/runbooks/", method: .get) { String(buffer: $0.body) }
            let failed = try await client.execute(uri: "/runbooks/BackupFailed", method: .get) { String(buffer: $0.body) }
            #expect(failed.contains(#"<a href="/runbooks/backup-missing" rel="noopener noreferrer">backup-missing.md</a>"#))
            #expect(!failed.contains(#"href="backup-missing.md""#))
            let links = Set((index + failed).matches(of: /href="(\/runbooks\/[^"#]*)/).map { String($0.output.1) })
            #expect(links.count > 5)
            for link in links {
                try await client.execute(uri: link, method: .get) { response in #expect(response.status == .ok, "\(link)") }
            }
            try await client.execute(uri: "/runbooks/no-such-alert", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no runbook named 'no-such-alert'"))
            }
        }
    }
}
