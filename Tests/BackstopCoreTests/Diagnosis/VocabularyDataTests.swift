import BackstopCore
import Foundation
import Testing

/// The vocabulary is data (Sources/BackstopCore/Diagnosis/Vocabulary/Data/*.json, each naming its
/// sources) compiled into Swift by scripts/generate-vocabulary; these tests fail when the
/// compiled tables and the data disagree, so an edit to the JSON is never silently ignored.
@Suite struct VocabularyDataTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Sources/BackstopCore/Diagnosis/Vocabulary/Data")

    struct RuleFile: Decodable {
        struct Rule: Decodable {
            var id: String
            var cause: String
            var strength: String
            var tools: [String]?
            var patterns: [String]
        }
        var family: String
        var about: String
        var rules: [Rule]
    }

    struct CodeFile: Decodable {
        struct Table: Decodable {
            struct Code: Decodable {
                var code: String
                var name: String?
                var cause: String?
                var strength: String?
                var message: String?
            }
            var kind: String
            var source: String
            var codes: [Code]
        }
        var family: String
        var about: String
        var tables: [Table]
    }

    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: data, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }

    @Test func theWordRulesAreTheData() throws {
        var rows: [String] = []
        for file in try Self.files() where !file.lastPathComponent.hasSuffix("codes.json") {
            let rules = try JSONDecoder().decode(RuleFile.self, from: Data(contentsOf: file))
            #expect(rules.about.contains("Sources:"), "\(file.lastPathComponent) names its sources")
            rows += rules.rules.map {
                "\($0.id) \($0.cause) \($0.strength) \(($0.tools ?? []).joined(separator: ",")) \($0.patterns.joined(separator: "|"))"
            }
        }
        let compiled = DiagnosisRules.table.map { id, cause, strength, tools, pattern in
            "\(id) \(cause.rawValue) \(strength) \(tools.joined(separator: ",")) \(pattern)"
        }
        #expect(Set(rows) == Set(compiled), "run scripts/generate-vocabulary")
        #expect(rows.count == compiled.count)
    }

    @Test func theCodeTablesAreTheData() throws {
        var entries: [String] = []
        for file in try Self.files() where file.lastPathComponent.hasSuffix("codes.json") {
            let codes = try JSONDecoder().decode(CodeFile.self, from: Data(contentsOf: file))
            for table in codes.tables {
                #expect(!table.source.isEmpty, "\(table.kind) names its source")
                entries += table.codes.map { "\(table.kind) \($0.code) \($0.name ?? $0.code) \($0.cause ?? "-") \($0.strength ?? "-")" }
            }
        }
        let compiled = CodeTables.tables.flatMap { table in
            table.entries.map { code, entry in
                "\(table.kind.rawValue) \(code) \(entry.name) \(entry.verdict.map { $0.cause.rawValue } ?? "-") \(entry.verdict.map { "\($0.strength)" } ?? "-")"
            }
        }
        #expect(Set(entries) == Set(compiled), "run scripts/generate-vocabulary")
        #expect(entries.count == compiled.count)
        #expect(Set(CodeTables.tables.map(\.kind)) == Set(CodeTables.Kind.allCases))
    }

    @Test func everyBuiltInPatternCompilesWithItsTools() {
        #expect(DiagnosisRules.builtIn.count == DiagnosisRules.table.count)
        let known = Set(ToolGrammarTests.families)
        for rule in DiagnosisRules.builtIn { #expect(rule.tools.isSubset(of: known), "\(rule.id)") }
    }
}
