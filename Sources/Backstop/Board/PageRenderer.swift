import Foundation
import Mustache

/// The HTML pages' templates, parsed once. Rendering goes through swift-mustache so every value
/// is HTML-escaped by the library (`{{value}}`); no page builds markup by concatenating strings.
package struct PageRenderer: Sendable {
    /// A template that does not parse; names it and why (a bug in Backstop, caught by the tests).
    package struct TemplateError: Error, CustomStringConvertible {
        package var description: String
    }

    static let templates: [(name: String, text: String)] = [
        (LayoutTemplate.name, LayoutTemplate.text), (ChartTemplates.lineName, ChartTemplates.line),
        (ChartTemplates.barsName, ChartTemplates.bars), (BoardTemplate.name, BoardTemplate.text),
        (AssetPageTemplate.name, AssetPageTemplate.text), (RunPageTemplate.name, RunPageTemplate.text),
        (IncidentPageTemplate.name, IncidentPageTemplate.text), (RunbookPageTemplate.name, RunbookPageTemplate.text),
    ]

    private let library: MustacheLibrary

    package init() throws(TemplateError) {
        var library = MustacheLibrary()
        for (name, text) in Self.templates {
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch {
                throw TemplateError(description: "the page template '\(name)' does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The page as HTML; `view` is read through reflection (stored properties only).
    func render(_ view: Any, template: String) throws(TemplateError) -> String {
        guard let html = library.render(view, withTemplate: template) else {
            throw TemplateError(description: "no page template named '\(template)'")
        }
        return html
    }

    /// Parsed once per process; a failure is reported on every page request rather than crashing.
    static let shared: Result<PageRenderer, TemplateError> = Result { () throws(TemplateError) in try PageRenderer() }
}
