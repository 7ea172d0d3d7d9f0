import HTTPTypes
import Testing

@testable import Backstop

/// The access table's lookup: literal paths are answered from a dictionary made by the same
/// matching as the rest, so both routes must agree with the table.
@Suite struct RouteAccessTests {
    @Test func everyEntryIsFoundByItsOwnPath() {
        for entry in RouteAccess.table {
            let path = entry.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "x1" : String($0) }.joined(separator: "/")
            let found = RouteAccess.entry(method: entry.method, path: path)
            #expect(found?.path == entry.path && found?.method == entry.method, "\(entry.method) \(path)")
        }
    }

    @Test func headIsReadAsGetAndOtherMethodsFindNothing() {
        #expect(RouteAccess.entry(method: .head, path: "/metrics")?.access == .role(.read))
        #expect(RouteAccess.entry(method: .post, path: "/api/v1/alerts")?.access == .webhook)
        #expect(RouteAccess.entry(method: .get, path: "/api/v1/alerts") == nil)
        #expect(RouteAccess.entry(method: .delete, path: "/-/healthy") == nil)
    }

    @Test func pathsOutsideTheTableNeedRead() {
        for path in ["/api/v1/alerts/", "/api/v1/runs/", "/runs//x", "/nowhere", "", "/api/v1/approvals/x/approve/again"] {
            #expect(RouteAccess.required(method: .post, path: path) == .role(.read), "\(path)")
        }
        #expect(RouteAccess.required(method: .post, path: "/api/v1/approvals/a1/approve") == .role(.operator))
    }
}
